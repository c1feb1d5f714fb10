// What the readers of a registered program (read-program.ts, read-limits.ts) share: the AWS type
// tokens they look for, the error that stops `npm start` on what the gateway cannot emulate, and
// plain readers of a resource's untyped inputs.
import type { RegisteredResource } from "../engine/program-run";

export class NotEmulatedError extends Error {
  constructor(resource: RegisteredResource, problem: string) {
    super(`${resource.type} "${resource.name}": ${problem} (not emulated by the local gateway)`);
    this.name = "NotEmulatedError";
  }
}

/** The Pulumi type tokens of the AWS resources the local gateway reads. */
export const RESOURCE_TYPES = {
  restApi: "aws:apigateway/restApi:RestApi",
  resource: "aws:apigateway/resource:Resource",
  method: "aws:apigateway/method:Method",
  integration: "aws:apigateway/integration:Integration",
  methodResponse: "aws:apigateway/methodResponse:MethodResponse",
  integrationResponse: "aws:apigateway/integrationResponse:IntegrationResponse",
  authorizer: "aws:apigateway/authorizer:Authorizer",
  response: "aws:apigateway/response:Response",
  stage: "aws:apigateway/stage:Stage",
  methodSettings: "aws:apigateway/methodSettings:MethodSettings",
  usagePlan: "aws:apigateway/usagePlan:UsagePlan",
  usagePlanKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
  apiKey: "aws:apigateway/apiKey:ApiKey",
  function: "aws:lambda/function:Function",
  webAcl: "aws:wafv2/webAcl:WebAcl",
  webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
} as const;

export type Inputs = Record<string, unknown>;
export const str = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;
export const num = (value: unknown): number | undefined =>
  typeof value === "number" ? value : undefined;
export const record = (value: unknown): Inputs =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Inputs) : {};
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const idOf = (resource: RegisteredResource) =>
  str(resource.outputs.id) ?? `${resource.name}-id`;
