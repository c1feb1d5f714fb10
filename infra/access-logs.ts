// The prod stage's access log: one JSON line per request in its own log group, with what an
// operator needs to see abuse (source IP, status, which layer refused it, latency) and never a
// header value: the token travels in a header, and so do the visitor's user agent and cookies.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * The access log format. Only $context variables that API Gateway fills from its own state or the
 * connection; `$context.identity.sourceIp` is the TCP peer, not X-Forwarded-For.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  sourceIp: "$context.identity.sourceIp",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  responseType: "$context.error.responseType",
  errorMessage: "$context.error.message",
  integrationStatus: "$context.integrationStatus",
  integrationLatency: "$context.integrationLatency",
  authorizerStatus: "$context.authorizer.status",
  authorizerError: "$context.authorizer.error",
  authorizerLatency: "$context.authorizer.latency",
  wafResponseCode: "$context.wafResponseCode",
  responseLatency: "$context.responseLatency",
  responseLength: "$context.responseLength",
} as const;

export const ACCESS_LOG_FORMAT = JSON.stringify(ACCESS_LOG_FIELDS);

export interface AccessLogs {
  logGroup: aws.cloudwatch.LogGroup;
  stageSettings: aws.types.input.apigateway.StageAccessLogSettings;
  /** What must exist before a stage can log: the region's API Gateway CloudWatch role. */
  prerequisites: pulumi.Resource[];
}

export function createAccessLogs(options: {
  retentionInDays: number;
  /** False when the account's region already has its API Gateway logging role. */
  manageLoggingRole: boolean;
}): AccessLogs {
  const logGroup = new aws.cloudwatch.LogGroup("prod-access-logs", {
    retentionInDays: options.retentionInDays,
  });
  return {
    logGroup,
    stageSettings: { destinationArn: logGroup.arn, format: ACCESS_LOG_FORMAT },
    prerequisites: options.manageLoggingRole ? [createApiGatewayLoggingRole()] : [],
  };
}

/**
 * API Gateway writes access logs with one role per account and region (its "account settings");
 * a stage with access logging fails to deploy until that role is set. It is shared by every API
 * of the region, so it carries AWS's managed policy for the purpose rather than one scoped to this
 * stack's log group, which would break the other APIs' logs.
 */
function createApiGatewayLoggingRole(): aws.apigateway.Account {
  const role = new aws.iam.Role("apigateway-cloudwatch", {
    description: "API Gateway writes its access and execution logs to CloudWatch with this role",
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "apigateway.amazonaws.com" }),
  });
  const attachment = new aws.iam.RolePolicyAttachment("apigateway-cloudwatch-push", {
    role: role.name,
    policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
  });
  return new aws.apigateway.Account(
    "apigateway-account",
    { cloudwatchRoleArn: role.arn },
    { dependsOn: [attachment] },
  );
}
