// AppSync GraphQL APIs that run Lambda functions: the APIs of the stack with an AWS_LAMBDA data
// source (every resolver and pipeline function on it runs the function), found through the data
// source's `apiId`.
import type { PolicyResource } from "@pulumi/policy";
import { TYPES, UNKNOWN, ofType, ownerKey, read } from "./stack-resources";

export interface LambdaBackedApi {
  api: PolicyResource;
  /** The Lambda data sources' names, for messages. */
  dataSources: string[];
}

export function lambdaBackedApis(resources: PolicyResource[]): LambdaBackedApi[] {
  const lambdaSources = ofType(resources, TYPES.appSyncDataSource).filter((source) => {
    const type = read(source, "type");
    return type === "AWS_LAMBDA" || type === UNKNOWN;
  });
  return ofType(resources, TYPES.graphQlApi)
    .filter((api) => read(api, "visibility") !== "PRIVATE")
    .map((api) => ({
      api,
      dataSources: lambdaSources
        .filter((source) => ownerKey(source, ["apiId"], TYPES.graphQlApi) === api.urn)
        .map((source) => `"${source.name}"`),
    }))
    .filter((entry) => entry.dataSources.length > 0);
}
