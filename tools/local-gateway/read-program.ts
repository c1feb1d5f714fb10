// Turns the resources a Pulumi program registered (run as an update under the engine, see
// tools/engine/run-program.ts) into the model the local gateway serves. Like SAM reading its template: the program is the one
// source. Whatever the gateway cannot emulate stops here with one line naming the resource,
// never a silent skip.
import { join } from "node:path";
import type { RegisteredResource } from "../engine/program-run";
import { readInvokeGrants } from "./invoke-permissions";
import type {
  GatewayModel,
  GatewayResponseModel,
  InvokeGrant,
  LambdaFunctionModel,
  MethodModel,
  StageModel,
  TokenAuthorizerModel,
} from "./model";
import {
  NotEmulatedError,
  RESOURCE_TYPES,
  idOf,
  num,
  record,
  str,
  type Inputs,
} from "./read-inputs";
import { readMethodThrottle, readStage, readUsagePlan, readWebAcls } from "./read-limits";
import { readGatewayResponse, readIntegration, type FunctionFor } from "./read-responses";

export { NotEmulatedError } from "./read-inputs";

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

export interface ReadOptions {
  region: string;
  accountId: string;
}

/** The program's one REST API, and its resources by type. */
interface Program {
  resources: RegisteredResource[];
  api: RegisteredResource;
  apiId: string;
  ofType(type: string): RegisteredResource[];
  /** Resources of `type` whose `key` input names the API. */
  onApi(type: string, key?: string): RegisteredResource[];
  /** The resource path of a resource id of the API's tree. */
  pathOf(owner: RegisteredResource, resourceId: unknown): string;
}

export function readGatewayModel(
  resources: RegisteredResource[],
  options: ReadOptions,
): GatewayModel {
  refuseWhatIsNotEmulated(resources);
  const program = readProgram(resources);
  const functions = functionIndex(resources);
  const authorizers = program
    .onApi(RESOURCE_TYPES.authorizer)
    .map((resource) => readAuthorizer(resource, functions.nameFor));
  const methods = readMethods(program, authorizers, functions.nameFor);
  const stages = readStages(program);
  const gatewayResponses = readGatewayResponses(program);
  return {
    api: readApi(program, options),
    stages,
    methods,
    authorizers,
    functions: functions.used(),
    gatewayResponses,
  };
}

function refuseWhatIsNotEmulated(resources: RegisteredResource[]): void {
  for (const resource of resources) {
    const refused = REFUSED_TYPES[resource.type];
    if (refused) throw new NotEmulatedError(resource, refused);
  }
}

function readProgram(resources: RegisteredResource[]): Program {
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  const apis = ofType(RESOURCE_TYPES.restApi);
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
  const paths = resourcePaths(api, onApi(RESOURCE_TYPES.resource));
  const pathOf = (owner: RegisteredResource, resourceId: unknown) => {
    const path = paths.get(String(resourceId));
    if (path === undefined)
      throw new NotEmulatedError(owner, `an unknown resourceId ${String(resourceId)}`);
    return path;
  };
  return { resources, api, apiId, ofType, onApi, pathOf };
}

/** The program's functions by invoke ARN; only those an API names are read into the model. */
function functionIndex(resources: RegisteredResource[]): {
  nameFor: FunctionFor;
  used(): LambdaFunctionModel[];
} {
  const functions = new Map<
    string,
    { resource: RegisteredResource; model?: LambdaFunctionModel }
  >();
  for (const fn of resources.filter((r) => r.type === RESOURCE_TYPES.function))
    functions.set(String(fn.outputs.invokeArn), { resource: fn });
  return {
    nameFor(owner, uri) {
      const entry = functions.get(String(uri));
      if (entry === undefined) {
        throw new NotEmulatedError(
          owner,
          `a URI that is no Lambda function of the program (${String(uri)})`,
        );
      }
      entry.model ??= readFunction(entry.resource, readInvokeGrants(resources, entry.resource));
      return entry.model.name;
    },
    used: () => [...functions.values()].flatMap((entry) => (entry.model ? [entry.model] : [])),
  };
}

function readMethods(
  program: Program,
  authorizers: TokenAuthorizerModel[],
  functionFor: FunctionFor,
): MethodModel[] {
  const methodKey = (inputs: Inputs) => `${String(inputs.resourceId)} ${String(inputs.httpMethod)}`;
  const integrations = new Map(
    program.onApi(RESOURCE_TYPES.integration).map((r) => [methodKey(r.inputs), r]),
  );
  const integrationResponses = program.onApi(RESOURCE_TYPES.integrationResponse);
  return program.onApi(RESOURCE_TYPES.method).map((method) => {
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
      resourcePath: program.pathOf(method, inputs.resourceId),
      resourceId: String(inputs.resourceId),
      authorization,
      authorizerId: authorization === "CUSTOM" ? authorizerId : undefined,
      apiKeyRequired: inputs.apiKeyRequired === true,
      integration: readIntegration(integration, integrationResponses, functionFor),
    };
  });
}

/** The API's stages with their limits: method throttles, usage plans (with keys), WAF rules. */
function readStages(program: Program): StageModel[] {
  const { ofType, onApi } = program;
  const stages = onApi(RESOURCE_TYPES.stage).map((stage) => readStage(stage));
  const stageByName = new Map(stages.map((stage) => [stage.name, stage]));
  for (const settings of onApi(RESOURCE_TYPES.methodSettings)) {
    const stage = stageByName.get(String(settings.inputs.stageName));
    if (stage === undefined) continue; // settings on a stage that does not exist do nothing
    const throttle = readMethodThrottle(settings);
    if (throttle) stage.methodThrottles.push(throttle);
  }
  const apiKeys = new Map(
    ofType(RESOURCE_TYPES.apiKey).map((key) => [
      idOf(key),
      {
        id: idOf(key),
        value: String(key.inputs.value ?? key.outputs.value),
        enabled: key.inputs.enabled !== false,
      },
    ]),
  );
  for (const plan of ofType(RESOURCE_TYPES.usagePlan)) {
    const model = readUsagePlan(plan, program.apiId);
    if (model === undefined) continue;
    for (const planKey of ofType(RESOURCE_TYPES.usagePlanKey)) {
      if (planKey.inputs.usagePlanId !== model.id) continue;
      const key = apiKeys.get(String(planKey.inputs.keyId));
      if (key === undefined)
        throw new NotEmulatedError(planKey, "a key that is no ApiKey of the program");
      if (key.enabled) model.keys.push({ id: key.id, value: key.value });
    }
    for (const name of model.stages) stageByName.get(name)?.usagePlans.push(model);
  }
  readWebAcls(program.resources, ofType(RESOURCE_TYPES.stage), stageByName);
  return stages;
}

function readGatewayResponses(program: Program): Record<string, GatewayResponseModel> {
  const gatewayResponses: Record<string, GatewayResponseModel> = {};
  for (const response of program.onApi(RESOURCE_TYPES.response, "restApiId")) {
    gatewayResponses[String(response.inputs.responseType)] = readGatewayResponse(response);
  }
  return gatewayResponses;
}

function readApi(program: Program, options: ReadOptions): GatewayModel["api"] {
  const { api, apiId } = program;
  const apiKeySource = str(api.inputs.apiKeySource) ?? "HEADER";
  if (apiKeySource !== "HEADER" && apiKeySource !== "AUTHORIZER") {
    throw new NotEmulatedError(api, `apiKeySource ${apiKeySource}`);
  }
  return {
    id: apiId,
    name: api.name,
    apiKeySource,
    ...options,
    executionArn:
      str(api.outputs.executionArn) ??
      `arn:aws:execute-api:${options.region}:${options.accountId}:${apiId}`,
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

export function readFunction(
  fn: RegisteredResource,
  invokeGrants: InvokeGrant[],
): LambdaFunctionModel {
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
  const reserved = num(inputs.reservedConcurrentExecutions);
  return {
    name: fn.name,
    codeDir: code.path,
    handler,
    runtime,
    timeoutSeconds: num(inputs.timeout) ?? 3,
    environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
    // -1 is the provider's "no reservation".
    reservedConcurrency: reserved === undefined || reserved < 0 ? undefined : reserved,
    invokeGrants,
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
  functionFor: FunctionFor,
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
