// Who may invoke a function, as Lambda decides it for API Gateway: the function's resource policy
// (the program's aws.lambda.Permission resources) must have a statement for the API Gateway
// service principal whose SourceArn (ArnLike: `*` and `?` wildcards) matches the calling ARN:
// `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{resource path}` for an
// integration, `.../{api}/authorizers/{authorizer id}` for an authorizer. Without one, API Gateway
// cannot invoke the function and answers 500 ("Invalid permissions on Lambda function").
import type { RegisteredResource } from "../engine/program-run";
import type { InvokeGrant } from "./model";

const PERMISSION_TYPE = "aws:lambda/permission:Permission";
const API_GATEWAY = "apigateway.amazonaws.com";

/** The grants of the permissions naming this function (by name, ARN or Pulumi name). */
export function readInvokeGrants(
  resources: RegisteredResource[],
  fn: RegisteredResource,
): InvokeGrant[] {
  const names = new Set(
    [fn.outputs.name, fn.outputs.arn, fn.inputs.name, fn.name].filter(
      (value): value is string => typeof value === "string",
    ),
  );
  return resources
    .filter((resource) => resource.type === PERMISSION_TYPE)
    .filter((permission) => names.has(String(permission.inputs.function)))
    .filter((permission) => permission.inputs.qualifier === undefined) // grants a version only
    .filter((permission) => principalAdmitsApiGateway(permission.inputs.principal))
    .filter((permission) => actionAdmitsInvoke(permission.inputs.action))
    .map((permission) => ({
      name: permission.name,
      sourceArn: stringOrUndefined(permission.inputs.sourceArn),
      sourceAccount: stringOrUndefined(permission.inputs.sourceAccount),
    }));
}

/** Whether one of the grants lets a call from `sourceArn` (of account `accountId`) invoke. */
export function grantsInvoke(grants: InvokeGrant[], sourceArn: string, accountId: string): boolean {
  return grants.some(
    (grant) =>
      (grant.sourceAccount === undefined || grant.sourceAccount === accountId) &&
      (grant.sourceArn === undefined || arnLike(grant.sourceArn, sourceArn)),
  );
}

/** IAM's ArnLike: `*` any run of characters, `?` any one; case-sensitive. */
export function arnLike(pattern: string, arn: string): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "s").test(arn);
}

function principalAdmitsApiGateway(principal: unknown): boolean {
  return principal === API_GATEWAY || principal === "*";
}

function actionAdmitsInvoke(action: unknown): boolean {
  return typeof action === "string" && arnLike(action.toLowerCase(), "lambda:invokefunction");
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
