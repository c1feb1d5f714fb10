// Every SES and SQS call is bounded so that each function answers (and logs) before its own
// timeout: the worst case of each, from the call timeouts, fits inside the function's timeout.
// (A request's timeout runs from its start, so it includes connecting.)
import { CALL_TIMEOUTS, THROTTLE_RETRY } from "../../handlers/aws-clients";
import { DELIVERY_QUEUE } from "../../contracts/delivery-queue";
import { FUNCTION_SIZES } from "../../contracts/functions";

/** One email: every SES try at its timeout, the pauses between them at their longest. */
const worstSendMs =
  THROTTLE_RETRY.attempts * CALL_TIMEOUTS.sesRequestMs +
  (THROTTLE_RETRY.attempts - 1) * 2 * THROTTLE_RETRY.delayMs;

it("lets the mailer send, retry a throttled send and queue the message within its timeout", () => {
  const worstMs = worstSendMs + CALL_TIMEOUTS.sqsRequestMs;
  // A second of headroom for the handler itself and the runtime.
  expect(worstMs + 1_000).toBeLessThan(FUNCTION_SIZES.mailer.timeout * 1_000);
});

it("lets the delivery function work through a whole batch within its timeout", () => {
  const worstMs = DELIVERY_QUEUE.batchSize * (worstSendMs + CALL_TIMEOUTS.sqsRequestMs);
  expect(worstMs + 1_000).toBeLessThan(FUNCTION_SIZES.delivery.timeout * 1_000);
});

it("connects within the request timeout, so an unreachable SES is told apart from a slow one", () => {
  expect(CALL_TIMEOUTS.connectionMs).toBeLessThan(CALL_TIMEOUTS.sesRequestMs);
  expect(CALL_TIMEOUTS.connectionMs).toBeLessThan(CALL_TIMEOUTS.sqsRequestMs);
});
