// The one definition of the API's CORS answer. The mailer puts it on every response, the Pulumi
// program puts the same values on the OPTIONS preflight and on the gateway's own error responses,
// and the local gateway serves it too, so a browser sees the same headers everywhere.
import { WAF_TOKEN_HEADER } from "./site";
import { TOKEN_HEADER } from "./token";

/** The page sends the token, JSON, and (botChallenge on) AWS WAF's token. */
export const CORS_ALLOWED_HEADERS = [TOKEN_HEADER, "Content-Type", WAF_TOKEN_HEADER] as const;
export const CORS_ALLOWED_METHODS = ["POST", "OPTIONS"] as const;
export const CORS_MAX_AGE_SECONDS = 600;
/** Answer headers a cross-origin page may read besides the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = ["Retry-After"] as const;

export function corsHeaders(allowedOrigin: string): Record<string, string> {
  const headers: Record<string, string> = {
    "Access-Control-Allow-Origin": allowedOrigin,
    "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS.join(","),
    "Access-Control-Allow-Methods": CORS_ALLOWED_METHODS.join(","),
    "Access-Control-Expose-Headers": CORS_EXPOSED_HEADERS.join(","),
  };
  // A single allowed origin (not "*") makes the answer origin-dependent for shared caches.
  if (allowedOrigin !== "*") headers["Vary"] = "Origin";
  return headers;
}

export function preflightHeaders(allowedOrigin: string): Record<string, string> {
  return { ...corsHeaders(allowedOrigin), "Access-Control-Max-Age": String(CORS_MAX_AGE_SECONDS) };
}
