// Turns the resources a Pulumi program registered (run under mocks, see pulumi-mock-runner.ts)
// into the model the local gateway serves. Like SAM reading its template: the program is the one
// source. Whatever the gateway cannot emulate stops here with one line naming the resource,
// never a silent skip.
import { join } from "node:path";
import type { RegisteredResource } from "../pulumi-mock-runner";
import type {
  GatewayModel,
  GatewayResponseModel,
  IntegrationModel,
  LambdaFunctionModel,
  MethodModel,
  MethodThrottleModel,
  MockResponseModel,
  RateBasedRuleModel,
  StageModel,
  ThrottleLimits,
  TokenAuthorizerModel,
  UsagePlanModel,
} from "./model";

export class NotEmulatedError extends Error {
  constructor(resource: RegisteredResource, problem: string) {
    super(`${resource.type} "${resource.name}": ${problem} (not emulated by the local gateway)`);
    this.name = "NotEmulatedError";
  }
}

const T = {
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

/** API Gateway resources the local gateway does not serve: declaring one stops `npm start`. */
const REFUSED_TYPES: Record<string, string> = {
  "aws:apigateway/requestValidator:RequestValidator": "request validation",
  "aws:apigateway/model:Model": "request models",
  "aws:apigateway/domainName:DomainName": "custom domain names",
  "aws:apigateway/basePathMapping:BasePathMapping": "base path mappings",
  "aws:apigateway/vpcLink:VpcLink": "VPC links",
  "aws:apigateway/restApiPolicy:RestApiPolicy": "resource policies",
  "aws:apigatewayv2/api:Api": "HTTP and WebSocket APIs (API Gateway v2)",
};

type Inputs = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
const record = (value: unknown): Inputs =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Inputs) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const idOf = (resource: RegisteredResource) => str(resource.outputs.id) ?? `${resource.name}-id`;

export interface ReadOptions {
  region: string;
  accountId: string;
}

export function readGatewayModel(
  resources: RegisteredResource[],
  options: ReadOptions,
): GatewayModel {
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  for (const resource of resources) {
    const refused = REFUSED_TYPES[resource.type];
    if (refused) throw new NotEmulatedError(resource, refused);
  }
  const apis = ofType(T.restApi);
  if (apis.length !== 1) {
    throw new Error(
      `the program declares ${apis.length} REST APIs (aws.apigateway.RestApi); the local gateway serves exactly one`,
    );
  }
  const [api] = apis;
  if (str(api.inputs.body)) throw new NotEmulatedError(api, "an OpenAPI body");
  const apiId = idOf(api);
  const onApi = (type: string, key = "restApi") =>
    ofType(type).filter((resource) => resource.inputs[key] === apiId);

  const paths = resourcePaths(api, onApi(T.resource));
  const pathOf = (owner: RegisteredResource, resourceId: unknown) => {
    const path = paths.get(String(resourceId));
    if (path === undefined)
      throw new NotEmulatedError(owner, `an unknown resourceId ${String(resourceId)}`);
    return path;
  };

  const functions = new Map<
    string,
    { resource: RegisteredResource; model?: LambdaFunctionModel }
  >();
  for (const fn of ofType(T.function))
    functions.set(String(fn.outputs.invokeArn), { resource: fn });
  const functionFor = (owner: RegisteredResource, uri: unknown): string => {
    const entry = functions.get(String(uri));
    if (entry === undefined) {
      throw new NotEmulatedError(
        owner,
        `a URI that is no Lambda function of the program (${String(uri)})`,
      );
    }
    entry.model ??= readFunction(entry.resource);
    return entry.model.name;
  };

  const authorizers = onApi(T.authorizer).map((resource) => readAuthorizer(resource, functionFor));
  const methodKey = (inputs: Inputs) => `${String(inputs.resourceId)} ${String(inputs.httpMethod)}`;
  const integrations = new Map(onApi(T.integration).map((r) => [methodKey(r.inputs), r]));
  const integrationResponses = onApi(T.integrationResponse);

  const methods: MethodModel[] = onApi(T.method).map((method) => {
    const inputs = method.inputs;
    const authorization = str(inputs.authorization);
    if (authorization !== "NONE" && authorization !== "CUSTOM") {
      throw new NotEmulatedError(method, `authorization ${String(authorization)}`);
    }
    if (inputs.requestValidatorId !== undefined) {
      throw new NotEmulatedError(method, "a request validator");
    }
    const authorizerId = str(inputs.authorizerId);
    if (authorization === "CUSTOM" && !authorizers.some((a) => a.id === authorizerId)) {
      throw new NotEmulatedError(method, "authorization CUSTOM without an authorizer of this API");
    }
    const integration = integrations.get(methodKey(inputs));
    if (integration === undefined) throw new NotEmulatedError(method, "no integration");
    return {
      httpMethod: String(inputs.httpMethod),
      resourcePath: pathOf(method, inputs.resourceId),
      resourceId: String(inputs.resourceId),
      authorization,
      authorizerId: authorization === "CUSTOM" ? authorizerId : undefined,
      apiKeyRequired: inputs.apiKeyRequired === true,
      integration: readIntegration(integration, integrationResponses, functionFor),
    };
  });

  const stages = onApi(T.stage).map((stage) => readStage(stage));
  const stageByName = new Map(stages.map((stage) => [stage.name, stage]));
  for (const settings of onApi(T.methodSettings)) {
    const stage = stageByName.get(String(settings.inputs.stageName));
    if (stage === undefined) continue; // settings on a stage that does not exist do nothing
    const throttle = readMethodThrottle(settings);
    if (throttle) stage.methodThrottles.push(throttle);
  }
  const apiKeys = new Map(
    ofType(T.apiKey).map((key) => [
      idOf(key),
      {
        id: idOf(key),
        value: String(key.inputs.value ?? key.outputs.value),
        enabled: key.inputs.enabled !== false,
      },
    ]),
  );
  for (const plan of ofType(T.usagePlan)) {
    const model = readUsagePlan(plan, apiId);
    if (model === undefined) continue;
    for (const planKey of ofType(T.usagePlanKey)) {
      if (planKey.inputs.usagePlanId !== model.id) continue;
      const key = apiKeys.get(String(planKey.inputs.keyId));
      if (key === undefined)
        throw new NotEmulatedError(planKey, "a key that is no ApiKey of the program");
      if (key.enabled) model.keys.push({ id: key.id, value: key.value });
    }
    for (const name of model.stages) stageByName.get(name)?.usagePlans.push(model);
  }
  readWebAcls(resources, ofType(T.stage), stageByName);

  const gatewayResponses: Record<string, GatewayResponseModel> = {};
  for (const response of onApi(T.response, "restApiId")) {
    gatewayResponses[String(response.inputs.responseType)] = readGatewayResponse(response);
  }

  const apiKeySource = str(api.inputs.apiKeySource) ?? "HEADER";
  if (apiKeySource !== "HEADER" && apiKeySource !== "AUTHORIZER") {
    throw new NotEmulatedError(api, `apiKeySource ${apiKeySource}`);
  }
  return {
    api: { id: apiId, name: api.name, apiKeySource, ...options },
    stages,
    methods,
    authorizers,
    functions: [...functions.values()].flatMap((entry) => (entry.model ? [entry.model] : [])),
    gatewayResponses,
  };
}

function resourcePaths(
  api: RegisteredResource,
  children: RegisteredResource[],
): Map<string, string> {
  const paths = new Map<string, string>([[String(api.outputs.rootResourceId), "/"]]);
  let pending = children;
  while (pending.length > 0) {
    const next = pending.filter((child) => {
      const parent = paths.get(String(child.inputs.parentId));
      if (parent === undefined) return true;
      const part = String(child.inputs.pathPart);
      if (/[{}]/.test(part) && !/^\{[A-Za-z0-9_.-]+\+?\}$/.test(part)) {
        throw new NotEmulatedError(child, `the path part "${part}"`);
      }
      paths.set(idOf(child), `${parent === "/" ? "" : parent}/${part}`);
      return false;
    });
    if (next.length === pending.length) {
      throw new NotEmulatedError(next[0], "a parentId outside the API's resource tree");
    }
    pending = next;
  }
  return paths;
}

export function readFunction(fn: RegisteredResource): LambdaFunctionModel {
  const inputs = fn.inputs;
  const code = record(inputs.code);
  if (typeof code.path !== "string" || code.archive !== true) {
    throw new NotEmulatedError(fn, "code that is not a FileArchive of a local folder");
  }
  const runtime = str(inputs.runtime) ?? "";
  if (!runtime.startsWith("nodejs"))
    throw new NotEmulatedError(fn, `runtime ${runtime || "(none)"}`);
  const handler = str(inputs.handler) ?? "";
  if (!/^[\w./-]+\.\w+$/.test(handler)) throw new NotEmulatedError(fn, `handler "${handler}"`);
  const variables = record(record(inputs.environment).variables);
  return {
    name: fn.name,
    codeDir: code.path,
    handler,
    runtime,
    timeoutSeconds: num(inputs.timeout) ?? 3,
    environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
  };
}

/** The file and export Lambda's Node.js runtime loads for `handler` in `codeDir`. */
export function handlerEntry(fn: LambdaFunctionModel): { file: string; exportName: string } {
  const dot = fn.handler.lastIndexOf(".");
  return {
    file: join(fn.codeDir, `${fn.handler.slice(0, dot)}.js`),
    exportName: fn.handler.slice(dot + 1),
  };
}

function readAuthorizer(
  resource: RegisteredResource,
  functionFor: (owner: RegisteredResource, uri: unknown) => string,
): TokenAuthorizerModel {
  const inputs = resource.inputs;
  if (inputs.type !== "TOKEN") {
    throw new NotEmulatedError(resource, `an authorizer of type ${String(inputs.type ?? "TOKEN")}`);
  }
  const source = /^method\.request\.header\.([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(
    String(inputs.identitySource ?? "method.request.header.Authorization"),
  );
  if (!source)
    throw new NotEmulatedError(resource, `identitySource ${String(inputs.identitySource)}`);
  const expression = str(inputs.identityValidationExpression);
  return {
    id: idOf(resource),
    name: resource.name,
    header: source[1],
    validationExpression: expression ? new RegExp(expression) : undefined,
    ttlSeconds: num(inputs.authorizerResultTtlInSeconds) ?? 300,
    function: functionFor(resource, inputs.authorizerUri),
  };
}

function readIntegration(
  integration: RegisteredResource,
  integrationResponses: RegisteredResource[],
  functionFor: (owner: RegisteredResource, uri: unknown) => string,
): IntegrationModel {
  const inputs = integration.inputs;
  if (inputs.type === "AWS_PROXY") {
    return { type: "AWS_PROXY", function: functionFor(integration, inputs.uri) };
  }
  if (inputs.type !== "MOCK") {
    throw new NotEmulatedError(integration, `integration type ${String(inputs.type)}`);
  }
  const templates = record(inputs.requestTemplates);
  const template = str(templates["application/json"]) ?? '{"statusCode": 200}';
  const statusCode = literalStatusCode(template);
  if (statusCode === undefined) {
    throw new NotEmulatedError(
      integration,
      `the request template ${template} (only a literal {"statusCode": N})`,
    );
  }
  const responses: MockResponseModel[] = integrationResponses
    .filter(
      (response) =>
        response.inputs.resourceId === inputs.resourceId &&
        response.inputs.httpMethod === inputs.httpMethod,
    )
    .map((response) => {
      const headers = literalHeaders(response, "method.response.header.");
      const body = str(record(response.inputs.responseTemplates)["application/json"]) ?? "";
      if (/[$#]/.test(body)) {
        throw new NotEmulatedError(response, "a response template with VTL (only literal bodies)");
      }
      const pattern = str(response.inputs.selectionPattern);
      return {
        statusCode: String(response.inputs.statusCode),
        selectionPattern: pattern === "" ? undefined : pattern,
        headers,
        body,
      };
    });
  return { type: "MOCK", statusCode, responses };
}

function literalStatusCode(template: string): number | undefined {
  try {
    const parsed = JSON.parse(template) as unknown;
    const code = record(parsed).statusCode;
    return typeof code === "number" && Number.isInteger(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function readStage(stage: RegisteredResource): StageModel {
  if (stage.inputs.cacheClusterEnabled === true) {
    throw new NotEmulatedError(stage, "the stage cache");
  }
  return {
    name: String(stage.inputs.stageName),
    methodThrottles: [],
    usagePlans: [],
    wafRateRules: [],
  };
}

function limitsOf(settings: Inputs, rate: string, burst: string): ThrottleLimits | undefined {
  const rateLimit = num(settings[rate]);
  const burstLimit = num(settings[burst]);
  if (rateLimit === undefined && burstLimit === undefined) return undefined;
  // An unset half is the account's default (10,000 rps, 5,000 burst).
  return { rateLimit: rateLimit ?? 10_000, burstLimit: burstLimit ?? 5_000 };
}

/** `*\/*`, or `{resource path without its leading slash}/{METHOD}`, `~1` standing for `/`. */
export function parseMethodPath(
  methodPath: string,
): { resourcePath: string; httpMethod: string } | undefined {
  if (methodPath === "*/*") return { resourcePath: "*", httpMethod: "*" };
  const slash = methodPath.lastIndexOf("/");
  if (slash < 0) return undefined;
  const path = methodPath.slice(0, slash).replace(/~1/g, "/");
  const httpMethod = methodPath.slice(slash + 1);
  if (httpMethod === "") return undefined;
  const resourcePath = path === "" || path === "/" ? "/" : `/${path.replace(/^\/+/, "")}`;
  return { resourcePath, httpMethod };
}

function readMethodThrottle(settings: RegisteredResource): MethodThrottleModel | undefined {
  const limits = limitsOf(
    record(settings.inputs.settings),
    "throttlingRateLimit",
    "throttlingBurstLimit",
  );
  if (limits === undefined) return undefined;
  const path = parseMethodPath(String(settings.inputs.methodPath));
  if (path === undefined)
    throw new NotEmulatedError(settings, `methodPath ${String(settings.inputs.methodPath)}`);
  return { ...path, limits };
}

function readUsagePlan(plan: RegisteredResource, apiId: string): UsagePlanModel | undefined {
  const apiStages = list(plan.inputs.apiStages)
    .map(record)
    .filter((s) => s.apiId === apiId);
  if (apiStages.length === 0) return undefined;
  const quotaSettings = record(plan.inputs.quotaSettings);
  let quota: UsagePlanModel["quota"];
  if (num(quotaSettings.limit) !== undefined) {
    if (quotaSettings.period !== "DAY" || (num(quotaSettings.offset) ?? 0) !== 0) {
      throw new NotEmulatedError(
        plan,
        `a quota per ${String(quotaSettings.period)} with offset ${String(quotaSettings.offset ?? 0)} (only DAY, offset 0)`,
      );
    }
    quota = { limit: num(quotaSettings.limit) as number, period: "DAY" };
  }
  const methodThrottles: UsagePlanModel["methodThrottles"] = [];
  for (const apiStage of apiStages) {
    for (const throttle of list(apiStage.throttles).map(record)) {
      const path = parseMethodPath(String(throttle.path).replace(/^\//, ""));
      const limits = limitsOf(throttle, "rateLimit", "burstLimit");
      if (path === undefined)
        throw new NotEmulatedError(plan, `throttle path ${String(throttle.path)}`);
      if (limits) methodThrottles.push({ ...path, limits, stage: String(apiStage.stage) });
    }
  }
  return {
    id: idOf(plan),
    name: plan.name,
    stages: apiStages.map((s) => String(s.stage)),
    throttle: limitsOf(record(plan.inputs.throttleSettings), "rateLimit", "burstLimit"),
    methodThrottles,
    quota,
    keys: [],
  };
}

function readGatewayResponse(response: RegisteredResource): GatewayResponseModel {
  const headers = literalHeaders(response, "gatewayresponse.header.");
  const status = str(response.inputs.statusCode);
  return {
    statusCode: status === undefined ? undefined : Number(status),
    headers,
    template: str(record(response.inputs.responseTemplates)["application/json"]),
  };
}

/** Rate-based rules (aggregated by IP) of web ACLs associated with a stage of this API. */
function readWebAcls(
  resources: RegisteredResource[],
  stageResources: RegisteredResource[],
  stageByName: Map<string, StageModel>,
): void {
  const acls = new Map(
    resources.filter((r) => r.type === T.webAcl).map((acl) => [String(acl.outputs.arn), acl]),
  );
  for (const association of resources.filter((r) => r.type === T.webAclAssociation)) {
    const target = association.inputs.resourceArn;
    // The stage's arn output, or the ARN AWS documents for a stage, built from its inputs.
    const stage = stageResources.find(
      (s) =>
        s.outputs.arn === target ||
        (typeof target === "string" &&
          target.endsWith(
            `::/restapis/${String(s.inputs.restApi)}/stages/${String(s.inputs.stageName)}`,
          )),
    );
    if (stage === undefined) continue; // associated with something else than this API's stages
    const acl = acls.get(String(association.inputs.webAclArn));
    if (acl === undefined)
      throw new NotEmulatedError(association, "a web ACL the program does not declare");
    const model = stageByName.get(String(stage.inputs.stageName));
    model?.wafRateRules.push(...readRateRules(acl));
  }
}

function readRateRules(acl: RegisteredResource): RateBasedRuleModel[] {
  if (record(acl.inputs.defaultAction).allow === undefined) {
    throw new NotEmulatedError(acl, "a default action other than allow");
  }
  return list(acl.inputs.rules)
    .map(record)
    .map((rule) => {
      const statement = record(record(rule.statement).rateBasedStatement);
      const action = record(rule.action);
      if (Object.keys(statement).length === 0 || action.block === undefined) {
        throw new NotEmulatedError(
          acl,
          `rule "${String(rule.name)}" (only rate-based rules that block)`,
        );
      }
      const aggregate = str(statement.aggregateKeyType) ?? "IP";
      if (aggregate !== "IP" || statement.scopeDownStatement !== undefined) {
        throw new NotEmulatedError(
          acl,
          `rule "${String(rule.name)}" aggregated by ${aggregate} or scoped down`,
        );
      }
      return {
        name: String(rule.name),
        limit: num(statement.limit) ?? 0,
        windowSeconds: num(statement.evaluationWindowSec) ?? 300,
      };
    });
}

/**
 * The headers a response's parameters set, each a quoted literal (`'value'`) under `prefix`;
 * anything else (a mapping from the request or the integration) is not emulated.
 */
function literalHeaders(response: RegisteredResource, prefix: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(record(response.inputs.responseParameters))) {
    const header = key.startsWith(prefix) ? key.slice(prefix.length) : "";
    const literal = /^'(.*)'$/s.exec(String(value))?.[1];
    if (header === "" || literal === undefined) {
      throw new NotEmulatedError(
        response,
        `the response parameter ${key} = ${String(value)} (only literal headers)`,
      );
    }
    headers[header] = literal;
  }
  return headers;
}
