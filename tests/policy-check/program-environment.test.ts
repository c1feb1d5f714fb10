// The environment a program under check gets: the allow-list, what the user adds, never a
// credential, whoever asks for it.
import { isCredential, programEnvironment } from "../../tools/policy-check/program-environment";

const CHECK_ENVIRONMENT = {
  PATH: "/usr/bin",
  HOME: "/home/ci",
  NODE_OPTIONS: "--max-old-space-size=4096",
  PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  PULUMI_CONFIG_PASSPHRASE: "local-passphrase",
  https_proxy: "http://proxy.invalid:3128",
  NO_PROXY: "localhost",
  SHELL: "/bin/bash",
  CI_SETTING: "kept only when passed",
  AWS_SECRET_ACCESS_KEY: "fake-secret",
  AWS_REGION: "us-east-1",
  PULUMI_ACCESS_TOKEN: "pul-fake",
  GITHUB_TOKEN: "ghs_fake",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "fake-oidc",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.invalid",
};

it("hands over the allow-list and the names passed, nothing else", () => {
  expect(programEnvironment(CHECK_ENVIRONMENT, ["CI_SETTING"], {})).toEqual({
    PATH: "/usr/bin",
    HOME: "/home/ci",
    NODE_OPTIONS: "--max-old-space-size=4096",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    PULUMI_CONFIG_PASSPHRASE: "local-passphrase",
    https_proxy: "http://proxy.invalid:3128",
    NO_PROXY: "localhost",
    CI_SETTING: "kept only when passed",
  });
});

it("never hands over a credential, even when passed by name or set explicitly", () => {
  const names = ["AWS_SECRET_ACCESS_KEY", "PULUMI_ACCESS_TOKEN", "GITHUB_TOKEN"];
  const env = programEnvironment(CHECK_ENVIRONMENT, [...names, "ACTIONS_ID_TOKEN_REQUEST_URL"], {
    AWS_ACCESS_KEY_ID: "AKIAFAKE",
    PULUMI_MONITOR: "unix:///run/monitor.sock",
  });
  expect(Object.keys(env).filter(isCredential)).toEqual([]);
  expect(env.PULUMI_MONITOR).toBe("unix:///run/monitor.sock");
  for (const name of [...names, "AWS_ACCESS_KEY_ID", "AWS_REGION", "ACTIONS_RUNTIME_TOKEN"]) {
    expect(isCredential(name)).toBe(true);
  }
});
