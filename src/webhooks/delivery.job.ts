export const DELIVERY_QUEUE = 'delivery';

/** Payload of the one delivery job per terminal event: ids only, the event and target are reloaded each run. */
export interface DeliveryJobData {
  approvalId: string;
  eventId: string;
  /** Attempts made in this round (a redelivery starts a new round). */
  attempt: number;
  /** No attempt of this round starts after this instant (ms): the retry horizon. */
  deadlineMs: number;
}

/** One job per event, so a retried transition, a re-run poll or a crash never enqueues it twice. Event ids (`evt_<hex>`) hold no ':'. */
export function deliveryJobId(eventId: string): string {
  return `delivery-${eventId}`;
}

/** The job name of a `webhook.test` event (POST /v1/webhooks/test); approval deliveries are named `deliver`. */
export const TEST_EVENT_JOB = 'test';

/** A `webhook.test` event: it belongs to no approval, so the job carries the (secret-free) event itself. */
export interface TestEventJobData {
  clientId: string;
  event: WebhookTestEvent;
  attempt: number;
  deadlineMs: number;
}

export interface WebhookTestEvent {
  id: string;
  type: 'webhook.test';
  createdAt: string;
  data: { clientId: string; message: string };
}

/** Finished jobs kept for the queue dashboard, per queue and end: enough to see the recent ones, bounded. */
export const KEEP_FINISHED_JOBS = 1000;
