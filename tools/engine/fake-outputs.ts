// How the engine's stand-in answers: the computed outputs AWS would fill in after creation (at an
// update; at a preview they stay unknown) and the few data sources programs read. The same
// for every run, so the local stack, the tests and the check see the same ids and ARNs.

/** The region of a stack whose config names none (the AWS provider then needs one anyway). */
const DEFAULT_REGION = "us-east-1";

/** The region AWS would create the stack's resources in: its `aws:region` config. */
export function stackRegion(config: Record<string, string> | undefined): string {
  return config?.["aws:region"] || DEFAULT_REGION;
}

/** Computed outputs other resources read, faked the way AWS would fill them after creation. */
export function fakeOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  region = DEFAULT_REGION,
) {
  const id = `${name}-id`;
  const account = "123456789012";
  const common = { arn: `arn:aws:mock:${region}:${account}:${type.split(":").pop()}/${name}` };
  switch (type) {
    case "aws:apigateway/restApi:RestApi":
      return {
        ...common,
        // Autonamed by the provider (AWS/ApiGateway metrics' ApiName dimension is this name).
        name: inputs.name ?? `${name}-autonamed`,
        rootResourceId: `${name}-root`,
        executionArn: `arn:aws:execute-api:${region}:${account}:${id}`,
      };
    case "aws:apigateway/stage:Stage":
      return {
        ...common,
        invokeUrl: `https://${String(inputs.restApi)}.execute-api.${region}.amazonaws.com/${String(inputs.stageName)}`,
        executionArn: `arn:aws:execute-api:${region}:${account}:${String(inputs.restApi)}/${String(inputs.stageName)}`,
        // The stage ARN AWS WAF associations take.
        arn: `arn:aws:apigateway:${region}::/restapis/${String(inputs.restApi)}/stages/${String(inputs.stageName)}`,
      };
    case "aws:apigatewayv2/api:Api":
      return {
        ...common,
        apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`,
        executionArn: `arn:aws:execute-api:${region}:${account}:${id}`,
      };
    case "aws:lambda/function:Function":
      return {
        ...common,
        arn: `arn:aws:lambda:${region}:${account}:function:${name}`,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${account}:function:${name}/invocations`,
        name,
      };
    case "aws:apigateway/apiKey:ApiKey":
      return { ...common, value: `${name}-generated-value` };
    case "aws:ses/emailIdentity:EmailIdentity":
      return { arn: `arn:aws:ses:${region}:${account}:identity/${String(inputs.email)}` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { arn: `arn:aws:logs:${region}:${account}:log-group:${name}`, name };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`, name };
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${account}:role/${name}`, name };
    case "aws:wafv2/webAcl:WebAcl":
      // The JavaScript integration's base URL, in the shape AWS gives it (ends with a slash).
      return {
        ...common,
        applicationIntegrationUrl: `https://0a1b2c3d4e5f.${region}.sdk.awswaf.com/0a1b2c3d4e5f/6a7b8c9d0e1f/`,
      };
    case "aws:wafv2/apiKey:ApiKey":
      return { ...common, apiKey: `${name}-generated-key` };
    default:
      return common;
  }
}

/** What an invoke (a data source such as getCallerIdentity) returns: its arguments, but for these. */
export function invokeAnswer(
  token: string,
  args: Record<string, unknown>,
  region = DEFAULT_REGION,
): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: "123456789012",
        arn: "arn:aws:iam::123456789012:user/mock",
        userId: "mock",
      };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region };
    default:
      return args;
  }
}
