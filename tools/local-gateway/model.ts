// What the local gateway serves, as plain data read from the resources a Pulumi program
// registered (see read-program.ts). Nothing here names a route, a method or a limit of any
// particular program.

export interface ThrottleLimits {
  /** Requests per second; negative means "off" (API Gateway's -1). */
  rateLimit: number;
  burstLimit: number;
}

export interface LambdaFunctionModel {
  /** The Pulumi resource name, used as the function name in logs and the Lambda context. */
  name: string;
  /** The folder of the function's FileArchive. */
  codeDir: string;
  /** `file.export`, e.g. `index.handler`. */
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  /** As declared (secret values unwrapped). */
  environment: Record<string, string>;
  /** Its reserved concurrency; undefined when none is reserved. */
  reservedConcurrency: number | undefined;
  /** The statements of its resource policy that let API Gateway invoke it. */
  invokeGrants: InvokeGrant[];
}

export interface InvokeGrant {
  /** The Pulumi name of the aws.lambda.Permission. */
  name: string;
  /** The ArnLike pattern the caller's ARN must match; undefined: any caller of the principal. */
  sourceArn: string | undefined;
  sourceAccount: string | undefined;
}

export interface TokenAuthorizerModel {
  id: string;
  name: string;
  /** The request header that carries the token (from method.request.header.X). */
  header: string;
  validationExpression: RegExp | undefined;
  ttlSeconds: number;
  function: string;
}

export interface MockResponseModel {
  statusCode: string;
  /** Regular expression on the integration's status; undefined for the default response. */
  selectionPattern: string | undefined;
  headers: Record<string, string>;
  body: string;
}

export type IntegrationModel =
  | { type: "AWS_PROXY"; function: string }
  | { type: "MOCK"; statusCode: number; responses: MockResponseModel[] };

export interface MethodModel {
  httpMethod: string;
  resourcePath: string;
  resourceId: string;
  authorization: "NONE" | "CUSTOM";
  authorizerId: string | undefined;
  apiKeyRequired: boolean;
  integration: IntegrationModel;
}

export interface GatewayResponseModel {
  statusCode: number | undefined;
  headers: Record<string, string>;
  /** The application/json template; undefined keeps API Gateway's default body. */
  template: string | undefined;
}

export interface MethodThrottleModel {
  /** `*` or a resource path such as `/items`. */
  resourcePath: string;
  /** `*` or an HTTP method. */
  httpMethod: string;
  limits: ThrottleLimits;
}

export interface UsagePlanModel {
  id: string;
  name: string;
  stages: string[];
  throttle: ThrottleLimits | undefined;
  /** Per-method throttles within the plan, by stage. */
  methodThrottles: Array<MethodThrottleModel & { stage: string }>;
  quota: { limit: number; period: "DAY" } | undefined;
  keys: Array<{ id: string; value: string }>;
}

export interface RateBasedRuleModel {
  name: string;
  limit: number;
  windowSeconds: number;
  /** Counts only requests of this HTTP method (a scope-down statement); all when absent. */
  method?: string;
  /** A rule the local gateway does not run ("challenge", "captcha"): said at start. */
  notEmulated?: string;
}

export interface StageModel {
  name: string;
  methodThrottles: MethodThrottleModel[];
  usagePlans: UsagePlanModel[];
  /** Rate-based WAF rules of a web ACL associated with the stage (aggregated by IP). */
  wafRateRules: RateBasedRuleModel[];
}

export interface GatewayModel {
  api: {
    id: string;
    name: string;
    region: string;
    accountId: string;
    apiKeySource: "HEADER" | "AUTHORIZER";
    /** `arn:aws:execute-api:{region}:{account}:{api id}`: what invoke permissions name. */
    executionArn: string;
  };
  stages: StageModel[];
  methods: MethodModel[];
  authorizers: TokenAuthorizerModel[];
  functions: LambdaFunctionModel[];
  /** Customised gateway responses by response type. */
  gatewayResponses: Record<string, GatewayResponseModel>;
}
