import type { StackValidationPolicy } from "@pulumi/policy";
import { eventSourceGraph } from "./event-sources";
import { describe } from "./stack-resources";

const FIX =
  "Scope the source's policy to who really writes to it (an aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID condition, or a named account principal), keep buckets private (no public-read-write ACL; aws.s3.BucketPublicAccessBlock), or drop the trigger and serve the function through the authorized, throttled API Gateway stage.";

/**
 * A topic anyone may publish to, a queue anyone may send to, a bucket anyone may write to, or an
 * event bus anyone may put events on runs its subscribed function for every stranger's message:
 * an entry point with no authorizer and no rate limit. The function's own permission is scoped to
 * the source (sns.amazonaws.com with the topic's ARN), so `lambda-permissions-not-public` passes it:
 * the opening is one hop earlier, on the source.
 */
export const lambdaEventSourcesNotPublic: StackValidationPolicy = {
  name: "lambda-event-sources-not-public",
  description:
    "A Lambda function must not be triggered by an SNS topic, SQS queue, S3 bucket or EventBridge bus that anyone may write to (directly, or through another open source that delivers to it).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: FIX,
  // No options beyond the enforcement level every policy takes.
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    const graph = eventSourceGraph(args.resources);
    for (const trigger of graph.triggers) {
      const openness =
        (trigger.deliveriesOnly ? undefined : graph.direct.get(trigger.source)) ??
        graph.delivered.get(trigger.source);
      if (!openness) continue;
      const source = graph.label(trigger.source);
      const head = `${describe(trigger.resource)} makes ${source} run ${trigger.fn}`;
      reportViolation(
        "reason" in openness
          ? `${head}, and ${openness.reason}: anyone on the internet can run the function, with no authorizer and no rate limit. ${FIX}`
          : `${head}, and ${openness.unknown}. Build the policy from values known at preview (a policy object whose Resource may be unknown, with literal Principal, Action and Condition). ${FIX}`,
        trigger.resource.urn,
      );
    }
  },
};
