// The environment a program under check gets: an allow-list, never the check's own. Credentials
// and tokens (AWS_*, PULUMI_ACCESS_TOKEN, GITHUB_TOKEN, ACTIONS_ID_TOKEN_REQUEST_*) stay out even
// when a pattern or `--pass-env` would let them in.

const ALLOWED_NAMES = new Set([
  "PATH",
  "HOME",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
]);
const ALLOWED_PREFIXES = ["NODE_", "PULUMI_NODEJS_", "PULUMI_CONFIG"];
const NEVER = [
  /^AWS_/i,
  /^PULUMI_ACCESS_TOKEN$/i,
  /^GITHUB_TOKEN$/i,
  /^ACTIONS_ID_TOKEN_REQUEST_/i,
  /^ACTIONS_RUNTIME_TOKEN$/i,
];

/** Whether a name is one no program gets, whatever the caller asks. */
export function isCredential(name: string): boolean {
  return NEVER.some((pattern) => pattern.test(name));
}

/**
 * The program's environment: the allow-listed names from `from`, the `passEnv` names the user
 * added, then `explicit` (what the engine sets), credentials removed from all three.
 */
export function programEnvironment(
  from: NodeJS.ProcessEnv,
  passEnv: readonly string[],
  explicit: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  const passed = new Set(passEnv);
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined || isCredential(name)) continue;
    const allowed =
      ALLOWED_NAMES.has(name) ||
      passed.has(name) ||
      ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (allowed) env[name] = value;
  }
  for (const [name, value] of Object.entries(explicit)) {
    if (!isCredential(name)) env[name] = value;
  }
  return env;
}
