// Every relative link and heading anchor of the project's Markdown pages, resolved as GitHub
// resolves them: a path relative to the page, and an anchor made from a heading by GitHub's slug
// rules (github-slugger: lower case, punctuation and symbols dropped, spaces to hyphens, a repeated
// slug numbered -1, -2...).
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve } from "node:path";

export interface Link {
  line: number;
  target: string;
}

/** Lines outside fenced code blocks, with inline code spans blanked. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: index + 1, text: text.replace(/`[^`]*`/g, "``") });
  });
  return lines;
}

/** Inline links and images: `[text](target)`, `![alt](target "title")`. */
export function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(markdown)) {
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line, target: match[1] });
    }
  }
  return links;
}

/** GitHub's anchor for a heading's text (github-slugger's rules). */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** A heading's text as GitHub renders it: code spans, links and emphasis reduced to their text. */
function headingText(source: string): string {
  return source
    .replace(/\s+#+\s*$/, "")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, "$2")
    .trim();
}

/** Every anchor a page offers, numbered as GitHub numbers repeated headings. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const lines = markdown.split("\n");
  let fence: string | undefined;
  for (const text of lines) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    const heading = fence === undefined ? /^ {0,3}#{1,6}\s+(.*)$/.exec(text) : null;
    if (!heading) continue;
    const base = slug(headingText(heading[1]));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** What is wrong with each relative link of a page: a missing file or a missing anchor. */
export function brokenLinks(root: string, page: string): string[] {
  const file = join(root, page);
  const markdown = readFileSync(file, "utf8");
  const problems: string[] = [];
  for (const { line, target } of linksOf(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and other schemes
    const [path, anchor] = splitAnchor(decodeURI(target));
    const resolved = path === "" ? file : resolve(dirname(file), path);
    const where = `${page}:${line} ${target}`;
    if (relative(root, resolved).startsWith("..")) {
      problems.push(`${where}: points outside the repository`);
    } else if (!existsSync(resolved)) {
      problems.push(`${where}: no such file`);
    } else if (anchor !== undefined && statSync(resolved).isFile() && extname(resolved) === ".md") {
      if (!anchorsOf(readFileSync(resolved, "utf8")).has(anchor)) {
        problems.push(`${where}: no heading with the anchor #${anchor}`);
      }
    }
  }
  return problems;
}

function splitAnchor(target: string): [string, string | undefined] {
  const hash = target.indexOf("#");
  return hash < 0 ? [target, undefined] : [target.slice(0, hash), target.slice(hash + 1)];
}
