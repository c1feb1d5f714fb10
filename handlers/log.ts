// One structured JSON line per request. Only ids, outcomes and statuses: never a body, a token or
// an error's message (an SDK message can quote addresses or account details).
export interface RequestLog {
  requestId: string;
  outcome: string;
  status: number;
  messageId?: string;
  reason?: string;
}

export function logRequest(entry: RequestLog): void {
  console.log(JSON.stringify({ level: entry.status >= 500 ? "error" : "info", ...entry }));
}

/** One line per queued email the delivery function handled. */
export interface DeliveryLog {
  requestId: string;
  outcome: "delivered" | "delivery-retry" | "delivery-unconfirmed" | "dead-lettered";
  receiveCount: number;
  messageId?: string;
  reason?: string;
}

export function logDelivery(entry: DeliveryLog): void {
  const level =
    entry.outcome === "delivered" ? "info" : entry.outcome === "dead-lettered" ? "error" : "warn";
  console.log(JSON.stringify({ level, ...entry }));
}
