// The REST API: POST on the root resource behind the token authorizer, an open OPTIONS preflight,
// and the gateway's own error answers carrying CORS headers so a browser can read every error.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { corsHeaders, preflightHeaders } from "../handlers/cors";
import { TOKEN_IDENTITY_SOURCE, TOKEN_VALIDATION_EXPRESSION } from "./authorizer-contract";
import { GATEWAY_ANSWERS, GATEWAY_RESPONSE_TEMPLATE } from "./gateway-responses";
import type { MailerFunctions } from "./lambdas";
import type { MailerSettings } from "./settings";

export interface MailerApi {
  restApi: aws.apigateway.RestApi;
  authorizer: aws.apigateway.Authorizer;
  /** Every method, integration and gateway response: what a deployment must publish. */
  definitions: pulumi.Resource[];
  /** Their inputs, hashed into the deployment's redeploy trigger. */
  definitionInputs: pulumi.Input<unknown>[];
}

export function createApi(settings: MailerSettings, functions: MailerFunctions): MailerApi {
  const restApi = new aws.apigateway.RestApi("api", {
    description: "mailer-api: sends the contact form's messages by email",
    endpointConfiguration: { types: "REGIONAL" },
    // Usage plans count requests by the key the authorizer returns, so clients send no API key.
    apiKeySource: "AUTHORIZER",
  });
  const definitionInputs: pulumi.Input<unknown>[] = [];
  const definitions: pulumi.Resource[] = [];
  const define = <T extends pulumi.Resource, A extends object>(
    make: (name: string, args: A) => T,
    name: string,
    args: A,
  ): T => {
    definitionInputs.push({ name, ...args });
    const resource = make(name, args);
    definitions.push(resource);
    return resource;
  };

  const authorizer = createTokenAuthorizer(restApi, functions.authorizer, settings);

  const post = define(
    (n, a: aws.apigateway.MethodArgs) => new aws.apigateway.Method(n, a),
    "post",
    {
      restApi: restApi.id,
      resourceId: restApi.rootResourceId,
      httpMethod: "POST",
      authorization: "CUSTOM",
      authorizerId: authorizer.id,
      apiKeyRequired: true,
    },
  );
  define(
    (n, a: aws.apigateway.IntegrationArgs) => new aws.apigateway.Integration(n, a),
    "post-to-mailer",
    {
      restApi: restApi.id,
      resourceId: post.resourceId,
      httpMethod: post.httpMethod,
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: functions.mailer.invokeArn,
    },
  );
  new aws.lambda.Permission("api-invokes-mailer", {
    action: "lambda:InvokeFunction",
    function: functions.mailer.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${restApi.executionArn}/*/POST/`,
  });

  definePreflight(restApi, settings.allowedOrigin, define);

  const cors = corsHeaders(settings.allowedOrigin);
  for (const answer of Object.values(GATEWAY_ANSWERS)) {
    define(
      (n, a: aws.apigateway.ResponseArgs) => new aws.apigateway.Response(n, a),
      `gateway-${answer.responseType.toLowerCase().replace(/_/g, "-")}`,
      {
        restApiId: restApi.id,
        responseType: answer.responseType,
        responseParameters: Object.fromEntries(
          Object.entries(cors).map(([header, value]) => [
            `gatewayresponse.header.${header}`,
            `'${value}'`,
          ]),
        ),
        responseTemplates: { "application/json": GATEWAY_RESPONSE_TEMPLATE },
      },
    );
  }
  return { restApi, authorizer, definitions, definitionInputs };
}

function createTokenAuthorizer(
  restApi: aws.apigateway.RestApi,
  authorizerFunction: aws.lambda.Function,
  settings: MailerSettings,
): aws.apigateway.Authorizer {
  const authorizer = new aws.apigateway.Authorizer("token-authorizer", {
    restApi: restApi.id,
    type: "TOKEN",
    authorizerUri: authorizerFunction.invokeArn,
    identitySource: TOKEN_IDENTITY_SOURCE,
    identityValidationExpression: TOKEN_VALIDATION_EXPRESSION,
    authorizerResultTtlInSeconds: settings.authorizerCacheTtl,
  });
  new aws.lambda.Permission("api-invokes-authorizer", {
    action: "lambda:InvokeFunction",
    function: authorizerFunction.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${restApi.executionArn}/authorizers/${authorizer.id}`,
  });
  return authorizer;
}

/** Browsers send the preflight without the token, so OPTIONS is open and answered by the gateway. */
function definePreflight(
  restApi: aws.apigateway.RestApi,
  allowedOrigin: string,
  define: <T extends pulumi.Resource, A extends object>(
    make: (name: string, args: A) => T,
    name: string,
    args: A,
  ) => T,
): void {
  const headers = preflightHeaders(allowedOrigin);
  const options = define(
    (n, a: aws.apigateway.MethodArgs) => new aws.apigateway.Method(n, a),
    "options",
    {
      restApi: restApi.id,
      resourceId: restApi.rootResourceId,
      httpMethod: "OPTIONS",
      authorization: "NONE",
      apiKeyRequired: false,
    },
  );
  const integration = define(
    (n, a: aws.apigateway.IntegrationArgs) => new aws.apigateway.Integration(n, a),
    "options-preflight",
    {
      restApi: restApi.id,
      resourceId: options.resourceId,
      httpMethod: options.httpMethod,
      type: "MOCK",
      requestTemplates: { "application/json": '{"statusCode": 200}' },
    },
  );
  const methodResponse = define(
    (n, a: aws.apigateway.MethodResponseArgs) => new aws.apigateway.MethodResponse(n, a),
    "options-200",
    {
      restApi: restApi.id,
      resourceId: options.resourceId,
      httpMethod: options.httpMethod,
      statusCode: "200",
      responseParameters: Object.fromEntries(
        Object.keys(headers).map((header) => [`method.response.header.${header}`, true]),
      ),
    },
  );
  define(
    (n, a: aws.apigateway.IntegrationResponseArgs) =>
      new aws.apigateway.IntegrationResponse(n, a, { dependsOn: [integration] }),
    "options-200-headers",
    {
      restApi: restApi.id,
      resourceId: options.resourceId,
      httpMethod: options.httpMethod,
      statusCode: methodResponse.statusCode,
      responseParameters: Object.fromEntries(
        Object.entries(headers).map(([header, value]) => [
          `method.response.header.${header}`,
          `'${value}'`,
        ]),
      ),
    },
  );
}
