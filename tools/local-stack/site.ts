// The owner's site, on this machine: the contact page (web/) served from its own origin, another
// port than the API's, with the API's URL in its meta tag and the token published next to it as
// mailer-token.txt, exactly as docs/own-site.md tells an owner to do. A plain
// static server: it knows nothing of the gateway, and the page reaches the API across origins.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join } from "node:path";
import { API_URL_META, PUBLISHED_TOKEN_FILE } from "../../contracts/site";
import { PROJECT_ROOT } from "../../infra/bundle";

export const WEB_DIR = join(PROJECT_ROOT, "web");

/** A static site's files by path ("/index.html"), as its host would serve them. */
export type SiteFiles = Record<string, string>;

const API_URL_TAG = new RegExp(`<meta\\s+name="${API_URL_META}"[^>]*>`);

/** web/index.html's API URL tag replaced by the one `siteSetup` prints. */
export function withApiUrl(html: string, apiUrl: string): string {
  if (!API_URL_TAG.test(html)) throw new Error(`the page has no ${API_URL_META} meta tag`);
  return html.replace(API_URL_TAG, `<meta name="${API_URL_META}" content="${escape(apiUrl)}" />`);
}

/** The site an owner publishes: web/'s files, the API's URL set, the token in its own file. */
export function publishSite(options: { apiUrl: string; token: string }): SiteFiles {
  const files = readSiteFolder(WEB_DIR);
  files["/index.html"] = withApiUrl(files["/index.html"], options.apiUrl);
  files[`/${PUBLISHED_TOKEN_FILE}`] = `${options.token}\n`;
  return files;
}

/** The files at the top of a folder (a site as simple as web/). */
export function readSiteFolder(dir: string): SiteFiles {
  const files: SiteFiles = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files[`/${name}`] = readFileSync(path, "utf8");
  }
  return files;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** Serves `files()` (read on each request, so a changed file is served at once); / is index.html. */
export function createSiteServer(files: () => SiteFiles): Server {
  return createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0];
    const path = pathname === "/" ? "/index.html" : pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "Content-Type": "text/plain; charset=utf-8", Allow: "GET, HEAD" });
      res.end("This site only answers GET.\n");
      return;
    }
    const site = files();
    const content = Object.hasOwn(site, path) ? site[path] : undefined;
    if (content === undefined) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Not found\n");
      return;
    }
    res.writeHead(200, {
      "Content-Type": TYPES[extname(path)] ?? "application/octet-stream",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : content);
  });
}

function escape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
