import { randomUUID } from 'node:crypto';
import { ApprovalRecord, ApprovalRepresentation, ApprovalStatus, representationOf } from './approval';

export type ApprovalEventType = `approval.${ApprovalStatus}`;

/** The event object of the contract. `id` is unique and stable: webhooks send it as `webhook-id`. */
export interface ApprovalEvent {
  id: string;
  type: ApprovalEventType;
  createdAt: string;
  /** The approval after the change, as GET returns it (without the deliveries). */
  data: ApprovalRepresentation;
}

/** An event with its position in the approval's log: 1, 2, 3 … (the SSE `id:`). */
export interface SequencedEvent {
  seq: number;
  event: ApprovalEvent;
}

/** The event for a record that has just taken its current status; `eventsUrl` is EventsUrls.eventsUrl(record). */
export function eventFor(record: ApprovalRecord, now: Date, eventsUrl: string): ApprovalEvent {
  // Standard Webhooks ids must not contain '.', so the id is ours rather than derived from the operationId.
  return {
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    type: `approval.${record.status}`,
    createdAt: now.toISOString(),
    data: representationOf(record, eventsUrl),
  };
}
