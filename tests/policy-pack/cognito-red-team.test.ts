// Red team of cognito-guests-cannot-invoke-lambda: guest roles that may invoke in other shapes
// (refused), and pools whose guests cannot reach the function (passed).
import { cognitoGuestsCannotInvokeLambda as policy } from "../../policy-pack/policies/cognito-guests-cannot-invoke-lambda";
import { UNKNOWN_AT_PREVIEW, handBuiltStack, type HandBuilt } from "../harness/hand-built-stack";
import { validateStack } from "../harness/policy";

const pool = (guests: boolean): HandBuilt => ({
  type: "aws:cognito/identityPool:IdentityPool",
  name: "visitors",
  inputs: { allowUnauthenticatedIdentities: guests },
});
const role = (name: string, amr?: string): HandBuilt => ({
  type: "aws:iam/role:Role",
  name,
  inputs: {
    assumeRolePolicy: {
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRoleWithWebIdentity",
          ...(amr
            ? {
                Condition: {
                  "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": amr },
                },
              }
            : {}),
        },
      ],
    },
  },
});
const attachment = (roles: Record<string, string>): HandBuilt => ({
  type: "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
  name: "roles",
  inputs: {
    identityPoolId: UNKNOWN_AT_PREVIEW,
    roles: Object.fromEntries(Object.keys(roles).map((key) => [key, UNKNOWN_AT_PREVIEW])),
  },
  deps: { identityPoolId: ["visitors"], roles: Object.values(roles) },
});
const invokeAll = (roleName: string, action = "lambda:*"): HandBuilt => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: `${roleName}-policy`,
  inputs: {
    role: UNKNOWN_AT_PREVIEW,
    policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] }),
  },
  deps: { role: [roleName] },
});
const managed = (roleName: string, arn: string): HandBuilt => ({
  type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  name: `${roleName}-managed`,
  inputs: { role: UNKNOWN_AT_PREVIEW, policyArn: arn },
  deps: { role: [roleName] },
});

const REFUSED: Array<[string, HandBuilt[], RegExp]> = [
  [
    "a guest role with lambda:*",
    [
      pool(true),
      role("guest", "unauthenticated"),
      invokeAll("guest"),
      attachment({ unauthenticated: "guest" }),
    ],
    /RolePolicy "guest-policy" allows lambda:InvokeFunction/,
  ],
  [
    "a guest role with the AWS managed AWSLambdaRole",
    [
      pool(true),
      role("guest", "unauthenticated"),
      managed("guest", "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"),
      attachment({ unauthenticated: "guest" }),
    ],
    /attaches AWSLambdaRole/,
  ],
  [
    "a members' role that may invoke but whose trust policy does not exclude guests",
    [
      pool(true),
      role("guest", "unauthenticated"),
      role("member"),
      invokeAll("member", "lambda:Invoke*"),
      attachment({ authenticated: "member", unauthenticated: "guest" }),
    ],
    /the role Role "member"/,
  ],
];
const PASSED: Array<[string, HandBuilt[]]> = [
  [
    "a pool without guests",
    [
      pool(false),
      role("guest", "unauthenticated"),
      invokeAll("guest"),
      attachment({ unauthenticated: "guest" }),
    ],
  ],
  [
    "a guest role that may only read",
    [
      pool(true),
      role("guest", "unauthenticated"),
      invokeAll("guest", "lambda:Get*"),
      attachment({ unauthenticated: "guest" }),
    ],
  ],
];

it.each(REFUSED)("refuses %s", async (_label, resources, says) => {
  const outcome = await validateStack(policy, handBuiltStack(resources));
  expect(outcome.violations.map((violation) => violation.message)).toContainEqual(
    expect.stringMatching(says),
  );
});

it.each(PASSED)("passes %s", async (_label, resources) => {
  expect(await validateStack(policy, handBuiltStack(resources))).toEqual({ violations: [] });
});
