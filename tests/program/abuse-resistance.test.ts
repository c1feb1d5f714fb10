// Issue 11 under the engine: the per-IP web ACL, reserved concurrency, the stage's access log and the
// alarms, on the real Pulumi.prod.yaml and with each option turned on and off.
import { ACCESS_LOG_FORMAT } from "../../infra/access-logs";
import { SES_FAILURE_FILTER_PATTERN } from "../../infra/alarms";
import { WAF_EVALUATION_WINDOW_SECONDS } from "../../infra/settings";
import { oneOf, ofType, prodValue, runProdStack, type ProgramRun } from "../harness/pulumi";

const T = {
  webAcl: "aws:wafv2/webAcl:WebAcl",
  association: "aws:wafv2/webAclAssociation:WebAclAssociation",
  stage: "aws:apigateway/stage:Stage",
  restApi: "aws:apigateway/restApi:RestApi",
  account: "aws:apigateway/account:Account",
  lambda: "aws:lambda/function:Function",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  metricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  role: "aws:iam/role:Role",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
} as const;

const with_ = (values: Record<string, string>) =>
  runProdStack({
    config: Object.fromEntries(
      Object.entries(values).map(([key, value]) => [`mailer-api:${key}`, value]),
    ),
  });

describe("on the real Pulumi.prod.yaml", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProdStack();
  });

  it("ships the per-IP limit on", () => {
    expect(Number(prodValue("perIpRateLimit"))).toBeGreaterThanOrEqual(10);
  });

  it("puts a REGIONAL web ACL with one IP rate-based blocking rule on the prod stage's ARN", () => {
    const webAcl = oneOf(run, T.webAcl);
    expect(webAcl.inputs).toMatchObject({ scope: "REGIONAL", defaultAction: { allow: {} } });
    const rules = webAcl.inputs.rules as Array<Record<string, unknown>>;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: Number(prodValue("perIpRateLimit")),
          aggregateKeyType: "IP",
          evaluationWindowSec: WAF_EVALUATION_WINDOW_SECONDS,
        },
      },
      visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: false },
    });
    // No custom response: it would replace the WAF_FILTERED gateway response and its CORS headers.
    expect((rules[0].action as { block: object }).block).toEqual({});

    const stage = oneOf(run, T.stage);
    const association = oneOf(run, T.association);
    expect(association.inputs).toEqual({
      resourceArn: `arn:aws:apigateway:us-east-1::/restapis/${String(stage.inputs.restApi)}/stages/prod`,
      webAclArn: webAcl.outputs.arn,
    });
    expect(association.propertyDependencies.resourceArn).toEqual([stage.urn]);
    expect(association.propertyDependencies.webAclArn).toEqual([webAcl.urn]);
  });

  it("answers a WAF block with a 403 gateway response that carries the CORS headers", () => {
    const response = ofType(run, "aws:apigateway/response:Response").find(
      (r) => r.inputs.responseType === "WAF_FILTERED",
    );
    // No statusCode: API Gateway keeps WAF_FILTERED's own 403.
    expect(response?.inputs).not.toHaveProperty("statusCode");
    expect(response?.inputs).toMatchObject({
      responseParameters: {
        "gatewayresponse.header.Access-Control-Allow-Origin": `'${prodValue("allowedOrigin")}'`,
        "gatewayresponse.header.Access-Control-Allow-Headers":
          "'authtoken,Content-Type,x-aws-waf-token'",
      },
      responseTemplates: { "application/json": '{"message":$context.error.messageString}' },
    });
  });

  it("reserves no Lambda concurrency (the keys are unset)", () => {
    for (const fn of ofType(run, T.lambda)) {
      expect(fn.inputs).not.toHaveProperty("reservedConcurrentExecutions");
    }
  });

  it("logs every request of the stage as JSON to its own log group, kept 30 days", () => {
    const group = oneOf(run, T.logGroup, "prod-access-logs");
    expect(group.inputs.retentionInDays).toBe(30);
    const stage = oneOf(run, T.stage);
    expect(stage.inputs.accessLogSettings).toEqual({
      destinationArn: group.outputs.arn,
      format: ACCESS_LOG_FORMAT,
    });
    // The region's API Gateway logging role exists before the stage turns logging on.
    const account = oneOf(run, T.account);
    expect(stage.dependencies).toContain(account.urn);
    const role = oneOf(run, T.role, "apigateway-cloudwatch");
    expect(account.inputs.cloudwatchRoleArn).toBe(role.outputs.arn);
    const trust = role.inputs.assumeRolePolicy;
    expect(typeof trust === "string" ? JSON.parse(trust) : trust).toMatchObject({
      Statement: [{ Principal: { Service: "apigateway.amazonaws.com" } }],
    });
    expect(oneOf(run, T.attachment, "apigateway-cloudwatch-push").inputs.policyArn).toBe(
      "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    );
  });

  it("has no alarms, topic or subscription (alarmEmail is unset), and says so in its outputs", () => {
    expect(ofType(run, T.alarm)).toEqual([]);
    expect(ofType(run, T.topic)).toEqual([]);
    expect(ofType(run, T.subscription)).toEqual([]);
    expect(ofType(run, T.metricFilter)).toEqual([]);
    expect(run.outputs).toMatchObject({ alarmTopicArn: null, alarmNames: [] });
  });

  it("tells the operator where the logs and the web ACL are", () => {
    expect(run.outputs).toMatchObject({
      accessLogGroup: "prod-access-logs",
      mailerLogGroup: "mailer-logs",
      authorizerLogGroup: "authorizer-logs",
      webAclArn: oneOf(run, T.webAcl).outputs.arn,
    });
  });
});

describe("the access log format", () => {
  const fields = JSON.parse(ACCESS_LOG_FORMAT) as Record<string, string>;

  it("is one line of JSON with the fields the issue asks for", () => {
    expect(ACCESS_LOG_FORMAT).not.toContain("\n");
    expect(fields).toMatchObject({
      requestId: "$context.requestId",
      sourceIp: "$context.identity.sourceIp",
      status: "$context.status",
      integrationStatus: "$context.integrationStatus",
      authorizerError: "$context.authorizer.error",
      responseLatency: "$context.responseLatency",
    });
  });

  it("records no header value, so never the token", () => {
    for (const variable of Object.values(fields)) {
      expect(variable).toMatch(/^\$context\.[A-Za-z.]+$/);
      expect(variable).not.toMatch(/header|userAgent|apiKey|caller|user\b|cognito|principalId/i);
    }
  });
});

describe("perIpRateLimit off", () => {
  it("declares no web ACL and no association when it is 0", async () => {
    const run = await with_({ perIpRateLimit: "0" });
    expect(ofType(run, T.webAcl)).toEqual([]);
    expect(ofType(run, T.association)).toEqual([]);
    expect(run.outputs.webAclArn).toBeNull();
  });
});

describe("reserved concurrency on", () => {
  it("reserves the configured concurrency for each function", async () => {
    const run = await with_({ authorizerConcurrency: "5", mailerConcurrency: "2" });
    expect(oneOf(run, T.lambda, "authorizer").inputs.reservedConcurrentExecutions).toBe(5);
    expect(oneOf(run, T.lambda, "mailer").inputs.reservedConcurrentExecutions).toBe(2);
  });

  it("reserves for one function only when only its key is set", async () => {
    const run = await with_({ mailerConcurrency: "3" });
    expect(oneOf(run, T.lambda, "authorizer").inputs).not.toHaveProperty(
      "reservedConcurrentExecutions",
    );
    expect(oneOf(run, T.lambda, "mailer").inputs.reservedConcurrentExecutions).toBe(3);
  });
});

describe("the region's API Gateway logging role", () => {
  it("is left to the account when manageApiGatewayLogRole is false; the stage still logs", async () => {
    const run = await with_({ manageApiGatewayLogRole: "false" });
    expect(ofType(run, T.account)).toEqual([]);
    expect(ofType(run, T.role).map((role) => role.name)).not.toContain("apigateway-cloudwatch");
    expect(ofType(run, T.attachment)).toEqual([]);
    expect(oneOf(run, T.stage).inputs.accessLogSettings).toMatchObject({
      format: ACCESS_LOG_FORMAT,
    });
  });
});

describe("access log retention from config", () => {
  it("keeps the access log for the configured days", async () => {
    const run = await with_({ accessLogRetentionDays: "365" });
    expect(oneOf(run, T.logGroup, "prod-access-logs").inputs.retentionInDays).toBe(365);
  });
});

describe("alarms on (alarmEmail set)", () => {
  let run: ProgramRun;
  const settings = {
    alarmEmail: "ops@example.com",
    dailyQuota: "500",
    alarmQuotaPercent: "80",
    alarmClientErrors: "40",
    alarmServerErrors: "2",
    perIpRateLimit: "20",
  };
  beforeAll(async () => {
    run = await with_(settings);
  });

  it("notifies one SNS topic with an email subscription to alarmEmail", () => {
    const topic = oneOf(run, T.topic);
    expect(oneOf(run, T.subscription).inputs).toEqual({
      topic: topic.outputs.arn,
      protocol: "email",
      endpoint: "ops@example.com",
    });
    for (const alarm of ofType(run, T.alarm)) {
      expect(alarm.inputs).toMatchObject({
        alarmActions: [topic.outputs.arn],
        okActions: [topic.outputs.arn],
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // A queue's depth is a gauge: its maximum; every other alarm counts events.
        statistic: alarm.name === "dead-letters" ? "Maximum" : "Sum",
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      });
    }
  });

  // API Gateway's metrics name the API by its (autonamed) name, not its id.
  const stageDimensions = () => ({ ApiName: "api-autonamed", Stage: "prod" });

  it.each([
    ["quota-nearly-spent", "AWS/ApiGateway", "Count", 86_400, 400],
    ["server-errors", "AWS/ApiGateway", "5XXError", 300, 2],
    ["client-errors", "AWS/ApiGateway", "4XXError", 300, 40],
  ])("%s: %s %s summed over %i s, threshold %i", (name, namespace, metric, period, threshold) => {
    const alarm = oneOf(run, T.alarm, name);
    expect(alarm.inputs).toMatchObject({ namespace, metricName: metric, period, threshold });
    expect(alarm.inputs.dimensions).toEqual(stageDimensions());
  });

  it("counts failed SES sends from the mailer's log group with a metric filter", () => {
    const filter = oneOf(run, T.metricFilter, "ses-send-failures");
    const mailer = oneOf(run, T.lambda, "mailer");
    expect(filter.inputs).toMatchObject({
      logGroupName: "mailer-logs",
      pattern: SES_FAILURE_FILTER_PATTERN,
      metricTransformation: { namespace: "mailer-api", name: "SesSendFailures-mailer", value: "1" },
    });
    expect(filter.inputs.logGroupName).toBe(
      (mailer.inputs.loggingConfig as { logGroup: string }).logGroup,
    );
    expect(oneOf(run, T.alarm, "ses-send-failures").inputs).toMatchObject({
      namespace: "mailer-api",
      metricName: "SesSendFailures-mailer",
      period: 300,
      threshold: 2,
    });
  });

  it("alarms on WAF blocks of the per-IP rule, by the web ACL's and rule's metric names", () => {
    const webAcl = oneOf(run, T.webAcl);
    const visibility = webAcl.inputs.visibilityConfig as { metricName: string };
    const [rule] = webAcl.inputs.rules as Array<{ visibilityConfig: { metricName: string } }>;
    expect(oneOf(run, T.alarm, "waf-blocks").inputs).toMatchObject({
      namespace: "AWS/WAFV2",
      metricName: "BlockedRequests",
      dimensions: {
        WebACL: visibility.metricName,
        Rule: rule.visibilityConfig.metricName,
        Region: "us-east-1",
      },
      period: 300,
      threshold: 1,
    });
    expect(visibility.metricName).toBe("mailer-api-prod");
    expect(rule.visibilityConfig.metricName).toBe("mailer-api-prod-per-ip");
  });

  it("lists every alarm's name in the stack outputs", () => {
    const names = ofType(run, T.alarm).map((alarm) => alarm.outputs.name);
    expect(names).toHaveLength(7);
    expect([...(run.outputs.alarmNames as string[])].sort()).toEqual([...names].sort());
    expect(run.outputs.alarmTopicArn).toBe(oneOf(run, T.topic).outputs.arn);
  });

  it("has no WAF alarm when there is no web ACL", async () => {
    const without = await with_({ ...settings, perIpRateLimit: "0" });
    expect(
      ofType(without, T.alarm)
        .map((alarm) => alarm.name)
        .sort(),
    ).toEqual([
      "client-errors",
      "dead-letters",
      "quota-nearly-spent",
      "server-errors",
      "ses-send-failures",
      "unconfirmed-sends",
    ]);
  });
});
