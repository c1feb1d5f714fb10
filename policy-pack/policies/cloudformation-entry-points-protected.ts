import { UnknownValueError, type PolicyResource, type StackValidationPolicy } from "@pulumi/policy";
import { allowIamSchema, type AllowIamConfig } from "./allow-iam-authorization";
import { openApiOperationsRequireAuthorizer } from "./apigateway-openapi-operations-require-authorizer";
import { httpRoutesRequireAuthorizer } from "./apigatewayv2-routes-require-authorizer";
import { httpStagesThrottled } from "./apigatewayv2-stages-throttled";
import { customMethodsUseStackAuthorizer } from "./apigateway-custom-methods-use-stack-authorizer";
import { methodsRequireAuthorizer } from "./apigateway-methods-require-authorizer";
import { stagesAreThrottled } from "./apigateway-stages-throttled";
import { appSyncApisRateLimited } from "./appsync-apis-rate-limited";
import { appSyncLambdaResolversRequireAuthorizer } from "./appsync-lambda-resolvers-require-authorizer";
import { JUDGED_TYPES } from "./cloudformation-translators";
import {
  UNKNOWN_VALUE,
  parseTemplate,
  translateTemplate,
  type Translation,
} from "./cloudformation-template";
import { lambdaEventSourcesNotPublic } from "./lambda-event-sources-not-public";
import { functionUrlsRequireAuth } from "./lambda-function-urls-require-auth";
import { lambdaPermissionsNotPublic } from "./lambda-permissions-not-public";
import { TYPES, UNKNOWN, describe, dig, ofType, read } from "./stack-resources";

/** The pack's policies that can judge one resource (or one template) on its own. */
const PER_RESOURCE = [
  methodsRequireAuthorizer,
  customMethodsUseStackAuthorizer,
  openApiOperationsRequireAuthorizer,
  httpRoutesRequireAuthorizer,
  functionUrlsRequireAuth,
  lambdaPermissionsNotPublic,
  lambdaEventSourcesNotPublic,
  appSyncLambdaResolversRequireAuthorizer,
];
/** And those that need the whole API (its stage, its web ACL): for a template, not a lone resource. */
const WHOLE_API = [stagesAreThrottled, httpStagesThrottled, appSyncApisRateLimited];

const FIX =
  "Keep the template literal (pass computed values through the stack's `parameters`), or declare the resources with @pulumi/aws so the pack judges them at preview.";

type Report = (message: string, urn?: string) => void;

/**
 * A CloudFormation stack (or stack set) or a Cloud Control resource creates AWS resources that the
 * pack would refuse if the program declared them itself: function URLs with no auth, open API
 * methods and routes, public permissions, public triggers, AppSync APIs. They are translated into
 * the resources the other policies judge, and judged by those policies' own rules.
 */
export const cloudFormationEntryPointsProtected: StackValidationPolicy = {
  name: "cloudformation-entry-points-protected",
  description:
    "Entry points created through an aws.cloudformation.Stack or StackSet template, or an aws.cloudcontrol.Resource, are held to the pack's own rules (authorizer, rate limit, no public permission or trigger); a template the pack cannot read at preview is refused.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: `Fix what the named policy asks for in the template (or desired state). ${FIX}`,
  configSchema: allowIamSchema(),
  validateStack: async (args, reportViolation) => {
    const config = args.getConfig<AllowIamConfig>();
    for (const stack of ofType(args.resources, TYPES.cfnStack)) {
      const translation = readTemplate(stack, reportViolation);
      if (translation) {
        await judge(stack, translation, [...PER_RESOURCE, ...WHOLE_API], config, reportViolation);
      }
    }
    for (const resource of ofType(args.resources, TYPES.cloudControlResource)) {
      const typeName = read(resource, "typeName");
      if (typeof typeName === "string" && !JUDGED_TYPES.has(typeName)) continue;
      const state = read(resource, "desiredState");
      if (typeName === UNKNOWN || state === UNKNOWN || typeof state !== "string") {
        const what = typeName === UNKNOWN ? "typeName" : "desiredState";
        reportViolation(
          `${describe(resource)} (${typeName === UNKNOWN ? "type unknown at preview" : String(typeName)}): its ${what} is not known before deployment, so whether it opens a function to the internet cannot be checked. ${FIX}`,
          resource.urn,
        );
        continue;
      }
      let properties: unknown;
      try {
        properties = JSON.parse(state);
      } catch {
        reportViolation(
          `${describe(resource)}: its desiredState is not JSON, so it cannot be checked.`,
          resource.urn,
        );
        continue;
      }
      const template = {
        Resources: { [resource.name]: { Type: typeName, Properties: properties } },
      };
      await judge(
        resource,
        translateTemplate(template, {}, resource),
        PER_RESOURCE,
        config,
        reportViolation,
      );
    }
  },
};

function readTemplate(stack: PolicyResource, report: Report): Translation | undefined {
  const body = read(stack, "templateBody");
  if (body === UNKNOWN || body === undefined || body === null || body === "") {
    const why =
      body === UNKNOWN
        ? "its templateBody is not known before deployment"
        : "its template is read from templateUrl, which the pack cannot fetch";
    report(
      `${describe(stack)}: ${why}, so the functions, APIs and permissions it creates cannot be checked. ${FIX}`,
      stack.urn,
    );
    return undefined;
  }
  try {
    return translateTemplate(parseTemplate(String(body)), parametersOf(stack), stack);
  } catch (error) {
    report(
      `${describe(stack)}: its template cannot be read (${(error as Error).message}), so what it creates cannot be checked. ${FIX}`,
      stack.urn,
    );
    return undefined;
  }
}

/** The stack's parameter values, unknown ones marked as the engine marks them. */
function parametersOf(stack: PolicyResource): Record<string, unknown> {
  const parameters = read(stack, "parameters");
  if (parameters === UNKNOWN) throw new Error("its parameters are not known before deployment");
  const values: Record<string, unknown> = {};
  if (parameters === null || typeof parameters !== "object") return values;
  for (const key of Object.keys(parameters)) {
    const value = dig(parameters, key);
    values[key] = value === UNKNOWN ? UNKNOWN_VALUE : value;
  }
  return values;
}

class NotApplicable extends Error {}

async function judge(
  owner: PolicyResource,
  translation: Translation,
  policies: StackValidationPolicy[],
  config: AllowIamConfig,
  report: Report,
): Promise<void> {
  for (const what of translation.unreadable) {
    report(`${describe(owner)}: ${what}, so what it creates cannot be checked. ${FIX}`, owner.urn);
  }
  const resources = translation.created.map((created) => created.resource);
  if (resources.length === 0) return;
  for (const policy of policies) {
    const defaults = Object.fromEntries(
      Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [
        key,
        (schema as { default?: unknown }).default,
      ]),
    );
    try {
      await policy.validateStack(
        {
          resources,
          stackTags: new Map(),
          getConfig: <T extends object>() =>
            ({ ...defaults, allowIamAuthorization: config.allowIamAuthorization }) as T,
          notApplicable: (): never => {
            throw new NotApplicable();
          },
        },
        (message) =>
          report(`${describe(owner)} creates what ${policy.name} refuses: ${message}`, owner.urn),
      );
    } catch (error) {
      if (error instanceof NotApplicable) continue;
      if (!(error instanceof UnknownValueError)) throw error;
      // At preview the engine would make the whole check advisory: refuse instead.
      report(
        `${describe(owner)} creates resources ${policy.name} cannot judge (${(error as Error).message}). ${FIX}`,
        owner.urn,
      );
    }
  }
}
