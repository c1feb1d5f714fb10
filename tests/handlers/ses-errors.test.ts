import { classifySesError } from "../../handlers/ses-errors";

function sdkError(name: string, message: string, status?: number, fault = "client") {
  return Object.assign(new Error(message), {
    name,
    $fault: fault,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
  });
}

describe("classifySesError", () => {
  it.each([
    [sdkError("Throttling", "Maximum sending rate exceeded.", 400), 503, "5"],
    [sdkError("Throttling", "Daily message quota exceeded.", 400), 503, "3600"],
    [sdkError("TooManyRequestsException", "slow down", 429), 503, "5"],
    [sdkError("ServiceUnavailable", "down", 503, "server"), 503, "30"],
  ])("answers retryable failures with 503 and Retry-After (%#)", (error, status, retryAfter) => {
    const answer = classifySesError(error);
    expect(answer.statusCode).toBe(status);
    expect(answer.headers["Retry-After"]).toBe(retryAfter);
  });

  it.each([
    [sdkError("MessageRejected", "Email address is not verified: owner@example.com", 400)],
    [sdkError("MailFromDomainNotVerifiedException", "domain", 400)],
    [sdkError("AccessDenied", "User arn:aws:iam::123456789012:role/x is not authorized", 403)],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" })],
  ])("answers other failures with a generic 502 (%#)", (error) => {
    const answer = classifySesError(error);
    expect(answer.statusCode).toBe(502);
    expect(answer.message).toBe("The email could not be sent");
    expect(answer.message).not.toMatch(/verified|arn:|ECONNREFUSED/);
  });

  it.each([
    [sdkError("MessageRejected", "Email address is not verified", 400), "ses-rejected"],
    [sdkError("MailFromDomainNotVerifiedException", "domain", 400), "ses-identity-not-verified"],
    [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
      "ses-unreachable",
    ],
    [Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }), "ses-unreachable"],
    [
      new Error("AWS SDK error wrapper for Error: connect ECONNREFUSED 1.2.3.4:443"),
      "ses-unreachable",
    ],
    [new TypeError("a bug, not the network"), "ses-error"],
  ])("labels the failure for the log line (%#)", (error, reason) => {
    expect(classifySesError(error).reason).toBe(reason);
  });
});
