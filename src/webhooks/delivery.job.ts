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
