import { fromEnv } from "@aws-sdk/credential-provider-env";
import {
  UNCONFIRMED_MESSAGE,
  classifySendFailure,
  classifySesError,
} from "../../handlers/ses-errors";

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
    [new URIError("URI malformed")],
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
    [new TypeError("a bug, not the network"), "ses-not-sent"],
    [sdkError("AccountSendingPausedException", "paused", 400), "ses-sending-paused"],
  ])("labels the failure for the log line (%#)", (error, reason) => {
    expect(classifySesError(error).reason).toBe(reason);
  });
});

const networkError = (message: string, code?: string) =>
  Object.assign(new Error(message), code ? { code } : {}, { $metadata: { attempts: 1 } });

describe("classifySendFailure", () => {
  it.each([
    [networkError("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED")],
    [networkError("getaddrinfo ENOTFOUND email.us-east-1.amazonaws.com", "ENOTFOUND")],
    [
      Object.assign(
        new Error(
          "@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 1000 ms.",
        ),
        { name: "TimeoutError" },
      ),
    ],
  ])("calls a connection that never opened unreachable: nothing was sent (%#)", (error) => {
    expect(classifySendFailure(error)).toMatchObject({
      kind: "transient",
      reason: "ses-unreachable",
    });
  });

  it.each([
    [networkError("read ECONNRESET", "ECONNRESET")],
    [networkError("write EPIPE", "EPIPE")],
    [Object.assign(new Error("socket hang up"), { name: "TimeoutError" })],
    [
      Object.assign(
        new Error(
          "@smithy/node-http-handler - [ERROR] a request has exceeded the configured 2500 ms requestTimeout.",
        ),
        { name: "TimeoutError", code: "ETIMEDOUT" },
      ),
    ],
    [Object.assign(new Error("Unexpected end of XML"), { $metadata: { httpStatusCode: 200 } })],
  ])("calls a failure after the request may have been written unconfirmed (%#)", (error) => {
    expect(classifySendFailure(error)).toEqual({ kind: "unconfirmed", reason: "ses-unconfirmed" });
    const answer = classifySesError(error);
    expect(answer.statusCode).toBe(504);
    expect(answer.message).toBe(UNCONFIRMED_MESSAGE);
    expect(answer.outcome).toBe("unconfirmed");
  });

  it.each([
    [sdkError("Throttling", "Maximum sending rate exceeded.", 400), "transient"],
    [sdkError("ServiceUnavailable", "down", 503, "server"), "transient"],
    [sdkError("InternalFailure", "oops", 500, "server"), "transient"],
    [sdkError("MessageRejected", "no", 400), "permanent"],
    [sdkError("MailFromDomainNotVerifiedException", "no", 400), "permanent"],
    [sdkError("AccountSendingPausedException", "paused", 400), "permanent"],
  ])("tells a passing refusal from one for good (%#)", (error, kind) => {
    expect(classifySendFailure(error).kind).toBe(kind);
  });

  it("calls missing credentials not sent: the request was never signed", async () => {
    const saved = { ...process.env };
    for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) delete process.env[key];
    try {
      // The provider every client of the handlers uses (handlers/aws-clients.ts), its real error.
      const error: unknown = await fromEnv()().catch((thrown: unknown) => thrown);
      expect(classifySendFailure(error)).toEqual({ kind: "permanent", reason: "ses-not-sent" });
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
