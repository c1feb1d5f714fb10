// The option every authorization policy shares: whether AWS_IAM (SigV4-signed callers) counts as
// an authorizer. Off by default: a browser form cannot sign its requests.
import type { PolicyConfigSchema } from "@pulumi/policy";

export interface AllowIamConfig {
  allowIamAuthorization: boolean;
}

export function allowIamSchema(
  description = "Whether AWS_IAM (SigV4-signed callers) counts as an authorizer.",
): PolicyConfigSchema {
  return {
    properties: { allowIamAuthorization: { type: "boolean", default: false, description } },
  };
}
