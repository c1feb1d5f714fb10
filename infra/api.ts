// The REST API: POST on the root resource behind the token authorizer, an open OPTIONS preflight,
// and the gateway's own error answers carrying CORS headers so a browser can read every error.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { corsHeaders, preflightHeaders } from "../contracts/cors";
import { TOKEN_IDENTITY_SOURCE, TOKEN_VALIDATION_EXPRESSION } from "../contracts/token";
import { GATEWAY_ANSWERS, GATEWAY_RESPONSE_TEMPLATE } from "../contracts/gateway-answers";
import type { MailerFunctions } from "./lambdas";
import type { MailerSettings } from "./settings";
import { STAGE_NAME } from "../contracts/stage";

export interface MailerApi {
  restApi: aws.apigateway.RestApi;
  authorizer: aws.apigateway.Authorizer;
  /**
   * The authorizer and every method, integration and gateway response: what a deployment must
   * publish.
   */
  definitions: pulumi.Resource[];
  /** Their inputs and the REST API's, hashed into the deployment's redeploy trigger. */
  definitionInputs: pulumi.Input<unknown>[];
}

/** Declares one of the API's definitions, recording its inputs for the redeploy trigger. */
type Define = <A extends object, R extends pulumi.Resource>(
  Resource: new (name: string, args: A, options?: pulumi.CustomResourceOptions) => R,
  name: string,
  args: A,
  options?: pulumi.CustomResourceOptions,
) => R;

export function createApi(settings: MailerSettings, functions: MailerFunctions): MailerApi {
  const restApiArgs: aws.apigateway.RestApiArgs = {
    description: "mailer-api: sends the contact form's messages by email",
    endpointConfiguration: { types: "REGIONAL" },
    // Usage plans count requests by the key the authorizer returns, so clients send no API key.
    apiKeySource: "AUTHORIZER",
  };
  const restApi = new aws.apigateway.RestApi("api", restApiArgs);
  // API-wide settings (API key source, binary media types, resource policy) reach the stage only
  // through a redeployment as well.
  const definitionInputs: pulumi.Input<unknown>[] = [{ type: "RestApi", ...restApiArgs }];
  const definitions: pulumi.Resource[] = [];
  const define: Define = (Resource, name, args, options) => {
    definitionInputs.push({ type: Resource.name, name, ...args });
    const resource = new Resource(name, args, options);
    definitions.push(resource);
    return resource;
  };

  const authorizer = createTokenAuthorizer(restApi, functions.authorizer, settings, define);

  const post = define(aws.apigateway.Method, "post", {
    restApi: restApi.id,
    resourceId: restApi.rootResourceId,
    httpMethod: "POST",
    authorization: "CUSTOM",
    authorizerId: authorizer.id,
    apiKeyRequired: true,
  });
  define(aws.apigateway.Integration, "post-to-mailer", {
    restApi: restApi.id,
    resourceId: post.resourceId,
    httpMethod: post.httpMethod,
    type: "AWS_PROXY",
    integrationHttpMethod: "POST",
    uri: functions.mailer.invokeArn,
  });
  new aws.lambda.Permission("api-invokes-mailer", {
    action: "lambda:InvokeFunction",
    function: functions.mailer.name,
    principal: "apigateway.amazonaws.com",
    // Only the prod stage's POST on the root resource: no other stage can invoke the mailer.
    sourceArn: pulumi.interpolate`${restApi.executionArn}/${STAGE_NAME}/POST/`,
  });

  definePreflight(restApi, settings.allowedOrigin, define);

  const cors = corsHeaders(settings.allowedOrigin);
  for (const answer of Object.values(GATEWAY_ANSWERS)) {
    define(
      aws.apigateway.Response,
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
  define: Define,
): aws.apigateway.Authorizer {
  // Defined like a method: API Gateway serves an authorizer change only after a redeployment.
  const authorizer = define(aws.apigateway.Authorizer, "token-authorizer", {
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
  define: Define,
): void {
  const headers = preflightHeaders(allowedOrigin);
  const options = define(aws.apigateway.Method, "options", {
    restApi: restApi.id,
    resourceId: restApi.rootResourceId,
    httpMethod: "OPTIONS",
    authorization: "NONE",
    apiKeyRequired: false,
  });
  const integration = define(aws.apigateway.Integration, "options-preflight", {
    restApi: restApi.id,
    resourceId: options.resourceId,
    httpMethod: options.httpMethod,
    type: "MOCK",
    requestTemplates: { "application/json": '{"statusCode": 200}' },
  });
  const methodResponse = define(aws.apigateway.MethodResponse, "options-200", {
    restApi: restApi.id,
    resourceId: options.resourceId,
    httpMethod: options.httpMethod,
    statusCode: "200",
    responseParameters: Object.fromEntries(
      Object.keys(headers).map((header) => [`method.response.header.${header}`, true]),
    ),
  });
  define(
    aws.apigateway.IntegrationResponse,
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
    // API Gateway refuses an integration response before its integration exists.
    { dependsOn: [integration] },
  );
}
