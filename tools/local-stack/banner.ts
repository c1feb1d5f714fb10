// What `npm start` prints once the stack runs: the routes, the limits and a curl for each route.
import type { GatewayModel } from "../local-gateway/model";
import type { LocalStack } from "./start-local-stack";

export function describeRoutes(stack: LocalStack): string[] {
  const lines: string[] = [];
  for (const [stage, url] of Object.entries(stack.stageUrls)) {
    for (const method of stack.model.methods) {
      const path = method.resourcePath === "/" ? "" : method.resourcePath;
      const guard =
        method.authorization === "CUSTOM"
          ? `authorizer ${stack.model.authorizers.find((a) => a.id === method.authorizerId)?.name}`
          : "open";
      const label = `API (${method.httpMethod})`.padEnd(13);
      lines.push(
        `  ${label} ${url}${path}   ${guard}${method.apiKeyRequired ? ", API key" : ""}, ${method.integration.type}` +
          (stage === stack.model.stages[0].name ? "" : ` (stage ${stage})`),
      );
    }
  }
  return lines;
}

export function describeLimits(model: GatewayModel): string[] {
  const limits = (l: { rateLimit: number; burstLimit: number }) =>
    l.rateLimit < 0 ? "off" : `${l.rateLimit} req/s, burst ${l.burstLimit}`;
  const lines: string[] = [];
  for (const stage of model.stages) {
    for (const t of stage.methodThrottles) {
      lines.push(`  Stage ${stage.name} ${t.resourcePath}/${t.httpMethod}: ${limits(t.limits)}`);
    }
    for (const plan of stage.usagePlans) {
      const quota = plan.quota ? `, ${plan.quota.limit} per day` : "";
      lines.push(
        `  Usage plan ${plan.name}: ${plan.throttle ? limits(plan.throttle) : "no throttle"}${quota}`,
      );
    }
    for (const rule of stage.wafRateRules) {
      if (rule.notEmulated !== undefined) continue;
      const scope = rule.method === undefined ? "" : ` (${rule.method} only)`;
      lines.push(
        `  WAF rule ${rule.name}: ${rule.limit} per ${rule.windowSeconds} s per address${scope}`,
      );
    }
  }
  for (const authorizer of model.authorizers) {
    lines.push(
      `  Authorizer ${authorizer.name}: header ${authorizer.header}, cache ${authorizer.ttlSeconds} s`,
    );
  }
  return lines;
}

export function describeCurls(stack: LocalStack): string[] {
  const url = stack.url;
  return stack.model.methods
    .filter((method) => method.httpMethod !== "OPTIONS")
    .map((method) => {
      const path = method.resourcePath === "/" ? "" : method.resourcePath;
      const header =
        method.authorization === "CUSTOM"
          ? ` -H "${stack.model.authorizers.find((a) => a.id === method.authorizerId)?.header}: ${stack.token}"`
          : "";
      return `  curl -i -X ${method.httpMethod}${header} ${url}${path}`;
    });
}

/** One line per web ACL rule the local stack cannot run (AWS WAF's Challenge and CAPTCHA). */
export function describeNotEmulated(model: GatewayModel): string[] {
  return model.stages.flatMap((stage) =>
    stage.wafRateRules
      .filter((rule) => rule.notEmulated !== undefined)
      .map(
        (rule) =>
          `Not emulated: AWS WAF's ${rule.notEmulated === "captcha" ? "CAPTCHA" : "Challenge"} (rule ${rule.name}, botChallenge) needs AWS WAF itself; here every POST passes it.`,
      ),
  );
}
