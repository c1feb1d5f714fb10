// The three Lambda functions, each with its own log group (with retention) and a role that can do
// nothing but write that log group, plus: for the mailer, send as the sender identity and put a
// message on the delivery queue; for the delivery function, send as the sender identity, read and
// delete from the delivery queue and put a message on its dead-letter queue.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { HandlerName } from "../contracts/functions";
import { LAMBDA_NODE_RUNTIME, type HandlerBundle } from "./bundle";
import type { StackSettings } from "./config";
import { FUNCTION_ENV, FUNCTION_SIZES } from "../contracts/functions";
import type { MailIdentities } from "./mail-identity";
import type { DeliveryQueues } from "./delivery-queue";

export const LOG_RETENTION_DAYS = 30;

export interface MailerFunctions {
  authorizer: aws.lambda.Function;
  mailer: aws.lambda.Function;
  delivery: aws.lambda.Function;
  /** The delivery role's queue policy: the event source mapping waits for it. */
  deliveryQueueAccess: aws.iam.RolePolicy;
}

export function createFunctions(args: {
  settings: StackSettings;
  bundles: Record<HandlerName, HandlerBundle>;
  identities: MailIdentities;
  queues: DeliveryQueues;
  usageApiKeyValue: pulumi.Output<string>;
}): MailerFunctions {
  const { settings, bundles, identities, queues } = args;
  const authorizer = createFunction(
    "authorizer",
    bundles.authorizer,
    {
      [FUNCTION_ENV.authTokenSha256]: settings.acceptedTokenDigests,
      [FUNCTION_ENV.usageApiKey]: pulumi.secret(args.usageApiKeyValue),
    },
    {},
    settings.authorizerConcurrency,
  );
  const sesSend = sesSendPolicy(settings.mailFrom, settings.mailTo, identities);
  const addresses = {
    [FUNCTION_ENV.mailFrom]: pulumi.output(settings.mailFrom),
    [FUNCTION_ENV.mailTo]: pulumi.output(settings.mailTo.join(",")),
  };
  // An aws.sqs.Queue's id is its URL.
  const mailer = createFunction(
    "mailer",
    bundles.mailer,
    {
      ...addresses,
      [FUNCTION_ENV.allowedOrigin]: pulumi.output(settings.allowedOrigin),
      [FUNCTION_ENV.deliveryQueueUrl]: queues.queue.id,
    },
    {
      "ses-send": sesSend,
      "queue-send": queuePolicy([{ actions: ["sqs:SendMessage"], arn: queues.queue.arn }]),
    },
    settings.mailerConcurrency,
  );
  const delivery = createFunction(
    "delivery",
    bundles.delivery,
    { ...addresses, [FUNCTION_ENV.deadLetterQueueUrl]: queues.deadLetterQueue.id },
    {
      "ses-send": sesSend,
      "queue-read": queuePolicy([
        {
          actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
          arn: queues.queue.arn,
        },
        { actions: ["sqs:SendMessage"], arn: queues.deadLetterQueue.arn },
      ]),
    },
  );
  return {
    authorizer: authorizer.fn,
    mailer: mailer.fn,
    delivery: delivery.fn,
    deliveryQueueAccess: delivery.policies["queue-read"],
  };
}

/** Queue actions, each list on one queue only. */
function queuePolicy(
  grants: { actions: string[]; arn: pulumi.Output<string> }[],
): pulumi.Output<string> {
  return pulumi.all(grants.map((grant) => grant.arn)).apply((arns) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: grants.map((grant, index) => ({
        Effect: "Allow",
        Action: grant.actions,
        Resource: arns[index],
      })),
    }),
  );
}

function createFunction(
  name: HandlerName,
  bundle: HandlerBundle,
  environment: Record<string, pulumi.Output<string>>,
  /** Policies beside the logging one, each a RolePolicy named `<function>-<key>`. */
  extraPolicies: Record<string, pulumi.Output<string>>,
  /** A ceiling on concurrent runs, so a flood cannot run up cost or starve the account. */
  reservedConcurrency?: number,
): { fn: aws.lambda.Function; policies: Record<string, aws.iam.RolePolicy> } {
  const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
    retentionInDays: LOG_RETENTION_DAYS,
  });
  const role = new aws.iam.Role(`${name}-role`, {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
  });
  new aws.iam.RolePolicy(`${name}-logging`, {
    role: role.id,
    policy: logGroup.arn.apply((arn) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${arn}:*`,
          },
        ],
      }),
    ),
  });
  const policies = Object.fromEntries(
    Object.entries(extraPolicies).map(([key, policy]) => [
      key,
      new aws.iam.RolePolicy(`${name}-${key}`, { role: role.id, policy }),
    ]),
  );
  const fn = new aws.lambda.Function(name, {
    runtime: LAMBDA_NODE_RUNTIME,
    architectures: ["arm64"],
    handler: "index.handler",
    code: new pulumi.asset.FileArchive(bundle.dir),
    role: role.arn,
    memorySize: FUNCTION_SIZES[name].memorySize,
    timeout: FUNCTION_SIZES[name].timeout,
    ...(reservedConcurrency === undefined
      ? {}
      : { reservedConcurrentExecutions: reservedConcurrency }),
    loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
    environment: {
      variables: { ...environment, NODE_OPTIONS: pulumi.output("--enable-source-maps") },
    },
  });
  return { fn, policies };
}

/**
 * SES send rights scoped to the sender identity (and the recipient identities, which SES also
 * checks while the account is in the sandbox), only with the sender as From address and only to
 * the configured recipients: once the account leaves the sandbox, the identities no longer limit
 * who receives, the `ses:Recipients` condition still does. SendEmail only: a raw message carries
 * its own headers.
 */
function sesSendPolicy(
  mailFrom: string,
  mailTo: readonly string[],
  identities: MailIdentities,
): pulumi.Output<string> {
  return identities.sendingArns.apply((arns) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["ses:SendEmail"],
          Resource: arns,
          Condition: {
            StringEquals: { "ses:FromAddress": mailFrom },
            // ses:Recipients is multivalued (To, CC, BCC): every one must be a configured
            // recipient, and the key must be present (ForAllValues alone is true on an empty set).
            "ForAllValues:StringEquals": { "ses:Recipients": [...mailTo] },
            Null: { "ses:Recipients": "false" },
          },
        },
      ],
    }),
  );
}
