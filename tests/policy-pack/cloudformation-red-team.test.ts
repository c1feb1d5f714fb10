// Red team of cloudformation-entry-points-protected: templates written to pass its letter while
// opening a function, and ones that keep the promise. Each is a real template text in a Stack's
// `templateBody`, judged through the policy as the engine would call it.
import { cloudFormationEntryPointsProtected as policy } from "../../policy-pack/policies/cloudformation-entry-points-protected";
import type { ProgramRun } from "../../tools/engine/program-run";
import { validateStack } from "../harness/policy";

const FN = `
  Handler:
    Type: AWS::Lambda::Function
    Properties: { Runtime: nodejs22.x, Handler: index.handler, Role: arn:aws:iam::123456789012:role/r, Code: { ZipFile: "x" } }`;

function stack(templateBody: string, parameters?: Record<string, string>): ProgramRun {
  return {
    projectName: "red-team",
    stackName: "prod",
    preview: true,
    outputs: {},
    secretOutputs: [],
    resources: [
      {
        urn: "urn:pulumi:prod::red-team::aws:cloudformation/stack:Stack::legacy",
        type: "aws:cloudformation/stack:Stack",
        name: "legacy",
        custom: true,
        inputs: { templateBody, ...(parameters ? { parameters } : {}) },
        secretPaths: [],
        outputs: {},
        dependencies: [],
        propertyDependencies: {},
        options: {},
      },
    ],
  };
}

const REFUSED: Array<[string, string, RegExp]> = [
  [
    "a REST API stage with no throttle",
    `Resources:${FN}
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: a } }
  Auth: { Type: AWS::ApiGateway::Authorizer, Properties: { RestApiId: !Ref Api, Type: TOKEN, Name: t } }
  Send:
    Type: AWS::ApiGateway::Method
    Properties: { RestApiId: !Ref Api, ResourceId: !GetAtt Api.RootResourceId, HttpMethod: POST, AuthorizationType: CUSTOM, AuthorizerId: !Ref Auth }
  Deployment: { Type: AWS::ApiGateway::Deployment, Properties: { RestApiId: !Ref Api, StageName: prod } }`,
    /creates what apigateway-stages-throttled refuses: Stage "Deployment"/,
  ],
  [
    "a function URL whose AuthType hangs on a condition",
    `Conditions: { IsProd: !Equals [a, b] }
Resources:${FN}
  Url: { Type: AWS::Lambda::Url, Properties: { TargetFunctionArn: !GetAtt Handler.Arn, AuthType: !If [IsProd, AWS_IAM, NONE] } }`,
    /lambda-function-urls-require-auth refuses: FunctionUrl "Url" .* has an authorizationType not known before deployment/,
  ],
  [
    "an open method whose AuthorizationType is a parameter defaulting to NONE",
    `Parameters: { Auth: { Type: String, Default: NONE } }
Resources:
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: a } }
  Get: { Type: AWS::ApiGateway::Method, Properties: { RestApiId: !Ref Api, ResourceId: !GetAtt Api.RootResourceId, HttpMethod: GET, AuthorizationType: !Ref Auth } }`,
    /Method "Get" \(GET\) has authorization "NONE"/,
  ],
  [
    "a permission for everyone, in JSON with long-form intrinsics",
    JSON.stringify({
      Resources: {
        Everyone: {
          Type: "AWS::Lambda::Permission",
          Properties: {
            Action: "lambda:*",
            FunctionName: { "Fn::GetAtt": ["Handler", "Arn"] },
            Principal: "*",
          },
        },
      },
    }),
    /lambda-permissions-not-public refuses: Permission "Everyone"/,
  ],
  [
    "an HTTP API route with no AuthorizationType",
    `Resources:
  Http: { Type: AWS::ApiGatewayV2::Api, Properties: { Name: h, ProtocolType: HTTP } }
  Route: { Type: AWS::ApiGatewayV2::Route, Properties: { ApiId: !Ref Http, RouteKey: POST /send } }`,
    /apigatewayv2-routes-require-authorizer refuses: Route "Route" \(POST \/send\) has authorizationType "NONE"/,
  ],
  [
    "a public SNS topic with an inline Lambda subscription",
    `Resources:${FN}
  Topic:
    Type: AWS::SNS::Topic
    Properties: { Subscription: [{ Protocol: lambda, Endpoint: !GetAtt Handler.Arn }] }
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument: { Statement: [{ Effect: Allow, Principal: { AWS: "*" }, Action: "sns:*", Resource: !Ref Topic }] }`,
    /lambda-event-sources-not-public refuses: TopicSubscription "TopicSubscription0" makes Topic "Topic" run function "Handler", and anyone may write to it/,
  ],
  [
    "a SAM transform",
    `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn: { Type: AWS::Serverless::Function, Properties: { Events: { Api: { Type: Api, Properties: { Path: /, Method: post } } } } }`,
    /its Transform \(AWS::Serverless-2016-10-31\) rewrites the template at deployment/,
  ],
  [
    "a nested stack",
    `Resources:
  Child: { Type: AWS::CloudFormation::Stack, Properties: { TemplateURL: https://example.com/t.yaml } }`,
    /Child is a nested stack, whose template is read from its TemplateURL/,
  ],
  ["a template that is not a template", "just: [text", /its template cannot be read/],
];

it.each(REFUSED)("refuses %s", async (_label, template, says) => {
  const outcome = await validateStack(policy, stack(template));
  expect(outcome.violations.map((violation) => violation.message)).toContainEqual(
    expect.stringMatching(says),
  );
});

it("passes a template that opens nothing, with a parameter given by the stack", async () => {
  const template = `Parameters: { Auth: { Type: String } }
Resources:${FN}
  Url: { Type: AWS::Lambda::Url, Properties: { TargetFunctionArn: !GetAtt Handler.Arn, AuthType: !Ref Auth } }
  Queue: { Type: AWS::SQS::Queue }
  Mapping: { Type: AWS::Lambda::EventSourceMapping, Properties: { EventSourceArn: !GetAtt Queue.Arn, FunctionName: !Ref Handler } }`;
  expect(
    await validateStack(policy, stack(template, { Auth: "AWS_IAM" }), {
      config: { allowIamAuthorization: true },
    }),
  ).toEqual({
    violations: [],
  });
});
