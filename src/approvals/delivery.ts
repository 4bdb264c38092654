/** Where one webhook delivery stands. `dead`: retries ran out or the receiver answered 410; redelivery can revive it. */
export const DELIVERY_STATES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * The delivery of one terminal event to one URL, as stored under the approval and shown on
 * `GET /v1/approvals/{id}`. It never holds the webhook secret; `lastError` is our own wording.
 */
export interface Delivery {
  eventId: string;
  url: string;
  state: DeliveryState;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
}
