// The local gateway's own answers, as API Gateway renders them: the status and message of
// contracts/gateway-answers.ts, through the program's gateway response of that type (or
// DEFAULT_4XX's / DEFAULT_5XX's when the type is not customised), with x-amzn-ErrorType.
import {
  NO_SUCH_STAGE_ANSWER,
  gatewayAnswerBody,
  gatewayErrorType,
  type GatewayAnswer,
} from "../../contracts/gateway-answers";
import type { GatewayResponse } from "./gateway";
import type { GatewayResponseModel } from "./model";

export function renderAnswer(
  gatewayResponses: Record<string, GatewayResponseModel>,
  gatewayAnswer: GatewayAnswer,
  outcome: string,
): GatewayResponse {
  const own = gatewayResponses[gatewayAnswer.responseType];
  const fallback =
    gatewayResponses[gatewayAnswer.statusCode >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX"];
  const custom = own ?? fallback;
  const template = custom?.template;
  const body =
    template === undefined
      ? gatewayAnswerBody(gatewayAnswer)
      : template
          .replace(/\$context\.error\.messageString/g, JSON.stringify(gatewayAnswer.message))
          .replace(/\$context\.error\.message/g, gatewayAnswer.message);
  return {
    statusCode: own?.statusCode ?? gatewayAnswer.statusCode,
    headers: {
      "Content-Type": "application/json",
      ...custom?.headers,
      "x-amzn-ErrorType": gatewayErrorType(gatewayAnswer),
    },
    body: Buffer.from(body),
    outcome,
  };
}

/** Outside any stage there is no deployment, so no gateway response applies. */
export function noSuchStageAnswer(): GatewayResponse {
  return {
    statusCode: NO_SUCH_STAGE_ANSWER.statusCode,
    headers: {
      "Content-Type": "application/json",
      "x-amzn-ErrorType": NO_SUCH_STAGE_ANSWER.errorType,
    },
    body: Buffer.from(gatewayAnswerBody(NO_SUCH_STAGE_ANSWER)),
    outcome: "no-such-stage",
  };
}
