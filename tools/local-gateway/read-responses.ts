// The answers a program declares literally: a MOCK integration's responses (or an AWS_PROXY
// integration's function) and the gateway responses, each header a quoted literal. Anything
// computed (VTL, mappings from the request) is not emulated and stops `npm start`.
import type { RegisteredResource } from "../engine/program-run";
import type { GatewayResponseModel, IntegrationModel, MockResponseModel } from "./model";
import { NotEmulatedError, record, str } from "./read-inputs";

/** The name of the program's function whose invoke ARN an integration or authorizer names. */
export type FunctionFor = (owner: RegisteredResource, uri: unknown) => string;

export function readIntegration(
  integration: RegisteredResource,
  integrationResponses: RegisteredResource[],
  functionFor: FunctionFor,
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

export function readGatewayResponse(response: RegisteredResource): GatewayResponseModel {
  const headers = literalHeaders(response, "gatewayresponse.header.");
  const status = str(response.inputs.statusCode);
  return {
    statusCode: status === undefined ? undefined : Number(status),
    headers,
    template: str(record(response.inputs.responseTemplates)["application/json"]),
  };
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
