// How an owner's site finds the API and its token: the facts shared by the contact page (web/),
// the Pulumi program's `siteSetup` output, the local stack's site and the tests. The page reads
// the API's URL from a meta tag and fetches the token, at send time, from a small file published
// with the site on the page's own origin, so the token is never written in the page's script.
import { TOKEN_HEADER } from "./token";

/** The meta tag in web/index.html that names the API's URL. */
export const API_URL_META = "mailer-api-url";
/** The meta tag in web/index.html that says where the token comes from. */
export const TOKEN_SOURCE_META = "mailer-token";
/** The file, next to the page on the site's own origin, that holds the token (one line). */
export const PUBLISHED_TOKEN_FILE = "mailer-token.txt";
/** TOKEN_SOURCE_META's value for a private form: the visitor types the token. */
export const TYPED_TOKEN = "typed";
/** The meta tag that turns on the page's AWS WAF integration: "challenge" or "captcha". */
export const BOT_CHALLENGE_META = "mailer-bot-challenge";
/** The meta tag holding the CAPTCHA JavaScript API's key (botChallenge captcha). */
export const CAPTCHA_KEY_META = "mailer-captcha-key";
/** The header AWS WAF reads a token from on a cross-origin call (the cookie is not sent). */
export const WAF_TOKEN_HEADER = "x-aws-waf-token";

export interface SiteSetup {
  /** The stage's invoke URL. */
  apiUrl: string;
  /** The stack's allowedOrigin config. */
  allowedOrigin: string;
  /** When botChallenge is on: its kind and AWS WAF's JavaScript integration script. */
  botChallenge?: { kind: "challenge" | "captcha"; scriptUrl: string };
}

/**
 * What `pulumi stack output siteSetup --show-secrets` prints: the meta tag to paste, where the
 * token goes and the origin the stack accepts. The token itself is `siteToken`, kept apart so
 * that it can be written to its file with one command.
 */
export function siteSetupText(setup: SiteSetup): string {
  const origin =
    setup.allowedOrigin === "*"
      ? 'allowedOrigin is "*": any site may call the API. Set it to your site\'s origin:\n' +
        "   pulumi config set allowedOrigin https://www.your-shop.example && pulumi up"
      : `allowedOrigin is ${setup.allowedOrigin}: the page must be served from exactly that origin\n` +
        "   (scheme, host and port), or browsers refuse the API's answers. To change it:\n" +
        "   pulumi config set allowedOrigin <your site's origin> && pulumi up";
  return [
    "1. In your contact page's <head> (web/index.html), the API's URL:",
    `   <meta name="${API_URL_META}" content="${setup.apiUrl}" />`,
    `2. Publish the token as ${PUBLISHED_TOKEN_FILE} next to the page (same origin), with:`,
    `   pulumi stack output siteToken --show-secrets > ${PUBLISHED_TOKEN_FILE}`,
    `   The page fetches it when a visitor presses Send and sends it in the ${TOKEN_HEADER} header.`,
    `3. ${origin}`,
    ...botChallengeLines(setup.botChallenge),
    "",
  ].join("\n");
}

function botChallengeLines(bot: SiteSetup["botChallenge"]): string[] {
  if (bot === undefined) return [];
  return [
    `4. botChallenge is ${bot.kind}: in the page's <head>, before contact.js, AWS WAF's script and`,
    "   the tag that tells the page to use it:",
    `   <script src="${bot.scriptUrl}" defer></script>`,
    `   <meta name="${BOT_CHALLENGE_META}" content="${bot.kind}" />`,
    ...(bot.kind === "captcha"
      ? [
          `   <meta name="${CAPTCHA_KEY_META}" content="<the key>" />, the key printed by:`,
          "   pulumi stack output captchaApiKey --show-secrets",
        ]
      : []),
  ];
}
