// The CloudFormation resource types the pack judges, each as the @pulumi/aws resources it
// corresponds to: property names as @pulumi/aws spells them, inline parts (a method's integration,
// a bucket's notification, a rule's targets) as the separate resources @pulumi/aws declares.
import { TYPES } from "./stack-resources";

type Json = Record<string, unknown>;

/** Declares one translated resource: its type, raw CloudFormation fields, a name suffix, extra dependencies ("self": the template resource). */
export type Add = (
  type: string,
  fields: Json,
  suffix?: string,
  extraDeps?: Record<string, string[]>,
) => void;
type Translator = (props: Json, add: Add) => void;

const lambdaSubscription = (topicRef: unknown) => (subscription: unknown) =>
  isObject(subscription)
    ? { topic: topicRef, protocol: subscription.Protocol, endpoint: subscription.Endpoint }
    : {};

/** CloudFormation types the pack judges, as the @pulumi/aws resources they correspond to. */
export const TRANSLATORS: Record<string, Translator> = {
  "AWS::Lambda::Function": (_p, add) => add(TYPES.lambdaFunction[0], {}),
  "AWS::Lambda::Alias": (p, add) => add(TYPES.lambdaFunction[1], { functionName: p.FunctionName }),
  "AWS::Lambda::Url": (p, add) =>
    add(TYPES.functionUrl, { functionName: p.TargetFunctionArn, authorizationType: p.AuthType }),
  "AWS::Lambda::Permission": (p, add) =>
    add(TYPES.lambdaPermission, {
      action: p.Action,
      function: p.FunctionName,
      principal: p.Principal,
      sourceArn: p.SourceArn,
      sourceAccount: p.SourceAccount,
      principalOrgId: p.PrincipalOrgID,
      functionUrlAuthType: p.FunctionUrlAuthType,
      eventSourceToken: p.EventSourceToken,
    }),
  "AWS::Lambda::EventSourceMapping": (p, add) =>
    add(TYPES.eventSourceMapping, {
      eventSourceArn: p.EventSourceArn,
      functionName: p.FunctionName,
    }),
  "AWS::ApiGateway::RestApi": (p, add) =>
    add(TYPES.restApi, {
      name: p.Name,
      body: p.BodyS3Location !== undefined ? { "Fn::ImportValue": "BodyS3Location" } : p.Body,
      endpointConfiguration: isObject(p.EndpointConfiguration)
        ? { types: p.EndpointConfiguration.Types }
        : undefined,
    }),
  "AWS::ApiGateway::Resource": (p, add) =>
    add(TYPES.apiResource, { restApi: p.RestApiId, parentId: p.ParentId, pathPart: p.PathPart }),
  "AWS::ApiGateway::Authorizer": (p, add) =>
    add(TYPES.authorizer, { restApi: p.RestApiId, type: p.Type, authorizerUri: p.AuthorizerUri }),
  "AWS::ApiGateway::Method": (p, add) => {
    const where = { restApi: p.RestApiId, resourceId: p.ResourceId, httpMethod: p.HttpMethod };
    add(TYPES.method, {
      ...where,
      authorization: p.AuthorizationType ?? "NONE",
      authorizerId: p.AuthorizerId,
      apiKeyRequired: p.ApiKeyRequired,
    });
    const integration = isObject(p.Integration) ? p.Integration : undefined;
    if (integration) {
      add(
        TYPES.integration,
        { ...where, type: integration.Type, uri: integration.Uri },
        "Integration",
        {
          method: ["self"],
        },
      );
    }
  },
  "AWS::ApiGateway::Stage": (p, add) => {
    add(TYPES.stage, { restApi: p.RestApiId, stageName: p.StageName, deployment: p.DeploymentId });
    methodSettings(p.RestApiId, p.StageName, p.MethodSettings, add);
  },
  "AWS::ApiGateway::Deployment": (p, add) => {
    if (p.StageName === undefined) return;
    add(TYPES.stage, { restApi: p.RestApiId, stageName: p.StageName });
    const description = isObject(p.StageDescription) ? p.StageDescription : {};
    const stageWide =
      description.ThrottlingRateLimit !== undefined ||
      description.ThrottlingBurstLimit !== undefined
        ? [
            {
              ResourcePath: "/*",
              HttpMethod: "*",
              ...pick(description, "ThrottlingRateLimit", "ThrottlingBurstLimit"),
            },
          ]
        : [];
    const listed = Array.isArray(description.MethodSettings) ? description.MethodSettings : [];
    methodSettings(p.RestApiId, p.StageName, [...stageWide, ...listed], add);
  },
  "AWS::ApiGatewayV2::Api": (p, add) =>
    add(TYPES.httpApi, {
      protocolType: p.ProtocolType,
      target: p.Target,
      routeKey: p.RouteKey,
      body: p.Body,
    }),
  "AWS::ApiGatewayV2::Route": (p, add) =>
    add(TYPES.httpRoute, {
      apiId: p.ApiId,
      routeKey: p.RouteKey,
      authorizationType: p.AuthorizationType ?? "NONE",
      authorizerId: p.AuthorizerId,
      target: p.Target,
    }),
  "AWS::ApiGatewayV2::Authorizer": (p, add) =>
    add(TYPES.httpAuthorizer, { apiId: p.ApiId, authorizerType: p.AuthorizerType }),
  "AWS::ApiGatewayV2::Stage": (p, add) => {
    const limits = (settings: unknown) =>
      isObject(settings)
        ? {
            throttlingRateLimit: settings.ThrottlingRateLimit,
            throttlingBurstLimit: settings.ThrottlingBurstLimit,
          }
        : undefined;
    const routes = isObject(p.RouteSettings) ? p.RouteSettings : {};
    add(TYPES.httpStage, {
      apiId: p.ApiId,
      name: p.StageName,
      defaultRouteSettings: limits(p.DefaultRouteSettings),
      routeSettings: Object.entries(routes).map(([routeKey, settings]) => ({
        routeKey,
        ...limits(settings),
      })),
    });
  },
  "AWS::SNS::Topic": (p, add) => {
    add(TYPES.topic, { name: p.TopicName });
    const inline = Array.isArray(p.Subscription) ? p.Subscription : [];
    inline.forEach((subscription, index) =>
      add(
        TYPES.topicSubscription,
        lambdaSubscription({ Ref: "self" })(subscription),
        `Subscription${index}`,
        {
          topic: ["self"],
        },
      ),
    );
  },
  "AWS::SNS::TopicPolicy": (p, add) =>
    each(p.Topics).forEach((topic, index) =>
      add(TYPES.topicPolicy, { arn: topic, policy: p.PolicyDocument }, String(index)),
    ),
  "AWS::SNS::Subscription": (p, add) =>
    add(TYPES.topicSubscription, lambdaSubscription(p.TopicArn)(p)),
  "AWS::SQS::Queue": (p, add) =>
    add(TYPES.queue, { name: p.QueueName, redrivePolicy: p.RedrivePolicy }),
  "AWS::SQS::QueuePolicy": (p, add) =>
    each(p.Queues).forEach((queue, index) =>
      add(TYPES.queuePolicy, { queueUrl: queue, policy: p.PolicyDocument }, String(index)),
    ),
  "AWS::S3::Bucket": (p, add) => {
    add(TYPES.bucket[0], {
      bucket: p.BucketName,
      acl: p.AccessControl === "PublicReadWrite" ? "public-read-write" : p.AccessControl,
    });
    const self = { bucket: ["self"] };
    if (isObject(p.PublicAccessBlockConfiguration)) {
      const block = p.PublicAccessBlockConfiguration;
      add(
        TYPES.bucketPublicAccessBlock,
        {
          blockPublicAcls: block.BlockPublicAcls,
          blockPublicPolicy: block.BlockPublicPolicy,
          ignorePublicAcls: block.IgnorePublicAcls,
          restrictPublicBuckets: block.RestrictPublicBuckets,
        },
        "PublicAccessBlock",
        self,
      );
    }
    if (isObject(p.NotificationConfiguration)) {
      const n = p.NotificationConfiguration;
      const list = (value: unknown, key: string, as: string) =>
        each(value).map((entry) => ({ [as]: isObject(entry) ? entry[key] : undefined }));
      add(
        TYPES.bucketNotification,
        {
          lambdaFunctions: list(n.LambdaConfigurations, "Function", "lambdaFunctionArn"),
          topics: list(n.TopicConfigurations, "Topic", "topicArn"),
          queues: list(n.QueueConfigurations, "Queue", "queueArn"),
          eventbridge: isObject(n.EventBridgeConfiguration)
            ? (n.EventBridgeConfiguration.EventBridgeEnabled ?? true)
            : undefined,
        },
        "Notification",
        self,
      );
    }
  },
  "AWS::S3::BucketPolicy": (p, add) =>
    add(TYPES.bucketPolicy, { bucket: p.Bucket, policy: p.PolicyDocument }),
  "AWS::Events::EventBus": (p, add) => {
    add(TYPES.eventBus, { name: p.Name });
    if (p.Policy !== undefined)
      add(TYPES.eventBusPolicy, { policy: p.Policy }, "Policy", { eventBusName: ["self"] });
  },
  "AWS::Events::EventBusPolicy": (p, add) =>
    p.Statement !== undefined
      ? add(TYPES.eventBusPolicy, {
          eventBusName: p.EventBusName,
          policy: { Version: "2012-10-17", Statement: [p.Statement] },
        })
      : add(TYPES.eventPermission, {
          eventBusName: p.EventBusName,
          principal: p.Principal,
          action: p.Action,
          condition: p.Condition,
        }),
  "AWS::Events::Rule": (p, add) => {
    add(TYPES.eventRule, { eventBusName: p.EventBusName, eventPattern: p.EventPattern });
    each(p.Targets).forEach((target, index) =>
      add(TYPES.eventTarget, { arn: isObject(target) ? target.Arn : undefined }, `Target${index}`, {
        rule: ["self"],
      }),
    );
  },
  "AWS::AppSync::GraphQLApi": (p, add) =>
    add(TYPES.graphQlApi, {
      authenticationType: p.AuthenticationType,
      visibility: p.Visibility,
      additionalAuthenticationProviders: each(p.AdditionalAuthenticationProviders).map(
        (provider) => ({
          authenticationType: isObject(provider) ? provider.AuthenticationType : undefined,
        }),
      ),
    }),
  "AWS::AppSync::DataSource": (p, add) =>
    add(TYPES.appSyncDataSource, { apiId: p.ApiId, type: p.Type }),
  "AWS::WAFv2::WebACL": (p, add) => add(TYPES.webAcl, { rules: p.Rules }),
  "AWS::WAFv2::WebACLAssociation": (p, add) =>
    add(TYPES.webAclAssociation, { resourceArn: p.ResourceArn, webAclArn: p.WebACLArn }),
};

/** CloudFormation types the pack can judge (Cloud Control resources of other types are not entry points). */
export const JUDGED_TYPES = new Set(Object.keys(TRANSLATORS));

/** Types whose template the pack cannot see into. */
export const OPAQUE: Record<string, string> = {
  "AWS::CloudFormation::Stack": "a nested stack, whose template is read from its TemplateURL",
  "AWS::Serverless::Function":
    "a SAM function, which the SAM transform expands into functions, APIs and permissions",
  "AWS::Serverless::Api": "a SAM API, which the SAM transform expands",
  "AWS::Serverless::HttpApi": "a SAM HTTP API, which the SAM transform expands",
};

function methodSettings(restApi: unknown, stageName: unknown, entries: unknown, add: Add): void {
  each(entries).forEach((entry, index) => {
    if (!isObject(entry)) return;
    const path = typeof entry.ResourcePath === "string" ? entry.ResourcePath : "/*";
    const resource = path === "/*" ? "*" : path.replace(/^\//, "").replace(/~1/g, "/");
    add(
      TYPES.methodSettings,
      {
        restApi,
        stageName,
        methodPath: `${resource}/${String(entry.HttpMethod ?? "*")}`,
        settings: {
          throttlingRateLimit: entry.ThrottlingRateLimit,
          throttlingBurstLimit: entry.ThrottlingBurstLimit,
        },
      },
      `MethodSettings${index}`,
      { stageName: ["self"] },
    );
  });
}
function each(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function pick(from: Json, ...keys: string[]): Json {
  return Object.fromEntries(
    keys.filter((key) => from[key] !== undefined).map((key) => [key, from[key]]),
  );
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
