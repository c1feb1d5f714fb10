// Waivers in the pack itself: the schema every policy gets, the pack's own check of each waiver
// (what `pulumi preview` runs, where the schema cannot see dates relative to today), and what a
// waived, expired or unused waiver makes the policy report. Today is passed in, never read.
import type { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policy-pack/policies";
import { POLICY_WAIVERS, withWaivers } from "../../policy-pack/policies/policy-waivers";
import { isRealDate, waiversProblem } from "../../policy-pack/policies/waivers";
import type { PackInfo } from "../../tools/policy-check/analyzer-client";
import { resolvePolicyConfig } from "../../tools/policy-check/policy-config";
import { runFixture, stackResources } from "../harness/policy";
import type { ProgramRun } from "../harness/pulumi";

const TODAY = "2026-06-01";
const served = withWaivers(
  policies,
  () => new Date(`${TODAY}T23:59:59Z`),
) as StackValidationPolicy[];
const METHODS = "apigateway-methods-require-authorizer";
const waiver = (expires: string, resource = "post-root") => ({
  resource,
  reason: "A constant status probe.",
  owner: "platform-team@example.com",
  expires,
});

const SERVED_INFO: PackInfo = {
  name: "mailer-api-policies",
  version: "0.0.0",
  policies: served.map((policy) => ({
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel ?? "advisory",
    configSchema: policy.configSchema as NonNullable<PackInfo["policies"][number]["configSchema"]>,
  })),
};

describe("what the pack serves", () => {
  it("puts the waiver rules first, then every policy, each accepting waivers", () => {
    expect(served.map((policy) => policy.name)).toEqual(policies.map((policy) => policy.name));
    expect(served[0].name).toBe(POLICY_WAIVERS);
    for (const policy of served.slice(1)) {
      expect({ [policy.name]: policy.configSchema?.properties.waivers }).toEqual({
        [policy.name]: expect.objectContaining({ type: "array" }),
      });
    }
  });

  it.each([
    [
      "a missing owner",
      { ...waiver("2026-07-01"), owner: undefined },
      /waiver 1 \(resource "post-root"\) must have required property 'owner'/,
    ],
    [
      "a day that does not exist",
      waiver("2026-02-30"),
      /waiver 1 \(resource "post-root"\), field "expires" must match format "date"/,
    ],
    [
      "a wildcard",
      waiver("2026-07-01", "*"),
      /waiver 1 \(resource "\*"\), field "resource" must match pattern/,
    ],
    [
      "an unknown field",
      { ...waiver("2026-07-01"), expiry: "2026-07-01" },
      /waiver 1 \(resource "post-root"\) must NOT have additional properties \("expiry"\)/,
    ],
  ])(
    "its config schema refuses %s, naming the policy, the waiver and the field",
    (_, value, problem) => {
      const entry = JSON.parse(JSON.stringify({ waivers: [value] }));
      expect(() => resolvePolicyConfig(SERVED_INFO, { [METHODS]: entry })).toThrow(
        new RegExp(`invalid config for policy "${METHODS}": ${problem.source}`),
      );
    },
  );
});

describe("the pack's own check of a waiver", () => {
  it.each([
    [
      { ...waiver("2026-07-01"), reason: "" },
      '"post-root"), field "reason": must be a non-empty string',
    ],
    [{ resource: "post-root", reason: "r", owner: "o" }, '"post-root"), field "expires": missing'],
    [
      waiver("2026-02-30"),
      '"post-root"), field "expires": 2026-02-30 is not a real date (YYYY-MM-DD)',
    ],
    [
      waiver("2026-6-30"),
      '"post-root"), field "expires": 2026-6-30 is not a real date (YYYY-MM-DD)',
    ],
    [
      waiver("2026-11-29"),
      '"post-root"), field "expires": 2026-11-29 is more than 180 days away (maxWaiverDays); the latest allowed today is 2026-11-28',
    ],
    [
      waiver("2026-07-01", "post-?"),
      '"post-?"), field "resource": names one resource; wildcards are refused',
    ],
  ])("refuses %p with one line", (value, problem) => {
    expect(waiversProblem(METHODS, [value], TODAY, 180)).toBe(
      `invalid waiver: policy "${METHODS}", waiver 1 (resource ${problem}`,
    );
  });

  it("accepts a waiver expiring exactly maxWaiverDays from today", () => {
    expect(waiversProblem(METHODS, [waiver("2026-11-28")], TODAY, 180)).toBeUndefined();
    expect(waiversProblem(METHODS, [waiver("2026-07-01")], TODAY, 30)).toBeUndefined();
    expect(waiversProblem(METHODS, [waiver("2026-07-02")], TODAY, 30)).toBeDefined();
  });

  it("knows a real day", () => {
    expect(["2028-02-29", "2026-12-31", "2026-01-01"].map(isRealDate)).toEqual([true, true, true]);
    expect(
      ["2026-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "26-01-01", ""].map(isRealDate),
    ).toEqual([false, false, false, false, false, false]);
  });
});

describe("a policy with waivers, on a program whose POST is open", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runFixture("bad-no-authorizer", true);
  }, 60_000);

  type Reported = { message: string; urn?: string; enforcementLevel?: string };
  async function judge(config: Record<string, unknown>, settings: Record<string, unknown> = {}) {
    const reported: Reported[] = [];
    const record = (message: string | Reported, urn?: string) =>
      reported.push(typeof message === "string" ? { message, urn } : message);
    const args = (values: Record<string, unknown>): StackValidationArgs => ({
      resources: stackResources(run),
      stackTags: new Map(),
      getConfig: <T extends object>() => values as T,
      notApplicable: (reason?: string): never => {
        throw new Error(reason);
      },
    });
    await served[0].validateStack(args(settings), record);
    const policy = served.find((candidate) => candidate.name === METHODS)!;
    await policy.validateStack(args(config), record);
    return reported;
  }

  it("reports a waived violation as advisory, naming the waiver, its owner, reason and expiry", async () => {
    const [reported, ...rest] = await judge({ waivers: [waiver("2026-06-02")] });
    expect(rest).toEqual([]);
    expect(reported.enforcementLevel).toBe("advisory");
    expect(reported.urn).toMatch(/::post-root$/);
    expect(reported.message.split("\n").slice(1)).toEqual([
      'Waived until 2026-06-02 by the waiver for "post-root" (owner: platform-team@example.com; reason: A constant status probe.).',
      expect.stringMatching(/^The violation: Method "post-root" \(POST\) has authorization "NONE"/),
    ]);
  });

  it("from the expiry date on, reports the violation at the policy's level, naming the expired waiver", async () => {
    const [reported] = await judge({ waivers: [waiver(TODAY)] });
    expect(reported.enforcementLevel).toBeUndefined();
    expect(reported.message).toContain(
      `The waiver for "post-root" (owner: platform-team@example.com) expired on ${TODAY}, so this violation counts again.`,
    );
  });

  it("matches the full URN as well as the logical name, and reports a waiver for no resource as unused", async () => {
    const urn = stackResources(run).find((resource) => resource.name === "post-root")!.urn;
    const reported = await judge({
      waivers: [waiver("2026-07-01", urn), waiver("2026-07-01", "gone")],
    });
    expect(
      reported.map((r) => [r.enforcementLevel, r.message.split("\n")[1].slice(0, 30)]),
    ).toEqual([
      ["advisory", "Waived until 2026-07-01 by the"],
      ["advisory", 'Unused waiver for "gone" (owne'],
    ]);
  });

  it("throws the one-line reason for an invalid waiver, as `pulumi preview` then shows it", async () => {
    await expect(judge({ waivers: [waiver("2026-07-15")] }, { maxWaiverDays: 30 })).rejects.toThrow(
      `invalid waiver: policy "${METHODS}", waiver 1 (resource "post-root"), field "expires": 2026-07-15 is more than 30 days away (maxWaiverDays); the latest allowed today is 2026-07-01`,
    );
  });
});
