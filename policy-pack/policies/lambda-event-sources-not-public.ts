import type { StackValidationPolicy } from "@pulumi/policy";
import { eventSourceGraph } from "./event-sources";
import type { PolicyResource } from "@pulumi/policy";
import { TYPES, describe, ofType } from "./stack-resources";

const FIX =
  "Scope the source's policy to who really writes to it (an aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID condition, or a named account principal), keep buckets private (no public-read-write ACL; aws.s3.BucketPublicAccessBlock), or drop the trigger and serve the function through the authorized, throttled API Gateway stage.";

const UPSTREAM_FIX =
  "Close the source anyone may write to (named above), or drop the delivery from it; scoping this last hop does not help.";

/** The fix for a source anyone may write to directly, in its own terms. */
function fixFor(source: string, resources: PolicyResource[]): string {
  const [resource] = resources.filter((candidate) => candidate.urn === source);
  const scope = (action: string) =>
    `Give ${action} only to named accounts or services (an aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID condition), or remove the public statement.`;
  if (resource && ofType([resource], TYPES.topic).length > 0) return scope("sns:Publish");
  if (resource && ofType([resource], TYPES.queue).length > 0) return scope("sqs:SendMessage");
  if (resource && ofType([resource], TYPES.bucket).length > 0) {
    return "Keep the bucket private: remove the public statement or public-read-write ACL, and declare an aws.s3.BucketPublicAccessBlock with all four flags true.";
  }
  return "Remove the public EventBusPolicy statement or EventPermission (or scope it with aws:PrincipalOrgID), or pin the rule's eventPattern to your accounts (`account: [...]`).";
}

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
      const direct = trigger.deliveriesOnly ? undefined : graph.direct.get(trigger.source);
      const openness = direct ?? graph.delivered.get(trigger.source);
      if (!openness) continue;
      const source = graph.label(trigger.source);
      const head = `${describe(trigger.resource)} makes ${source} run ${trigger.fn}`;
      reportViolation(
        "reason" in openness
          ? `${head}, and ${openness.reason}: anyone on the internet can run the function, with no authorizer and no rate limit. ${direct ? fixFor(trigger.source, args.resources) : UPSTREAM_FIX}`
          : `${head}, and ${openness.unknown}. Build the policy from values known at preview (a policy object whose Resource may be unknown, with literal Principal, Action and Condition). ${FIX}`,
        trigger.resource.urn,
      );
    }
  },
};
