// The context the token authorizer attaches to an allowed request. API Gateway hands it to the
// mailer as event.requestContext.authorizer, so the mailer can tell a request that went through
// the authorizer from any other invocation.
export const AUTHORIZER_CONTEXT = { authorizedBy: "mailer-api-token" } as const;

/** True when an event's requestContext.authorizer carries the token authorizer's context. */
export function isAuthorizedByToken(authorizer: unknown): boolean {
  return (
    typeof authorizer === "object" &&
    authorizer !== null &&
    (authorizer as Record<string, unknown>).authorizedBy === AUTHORIZER_CONTEXT.authorizedBy
  );
}
