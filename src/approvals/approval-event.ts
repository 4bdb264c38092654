import { createHash } from 'node:crypto';
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
  return {
    id: eventIdOf(record),
    type: `approval.${record.status}`,
    createdAt: now.toISOString(),
    data: representationOf(record, eventsUrl),
  };
}

/**
 * The id of the event by which `record` took its status: derived, not drawn, from the approval (its
 * id and creation time, so a later approval reusing the operationId gets other ids) and the status,
 * which an approval takes once. If a failover or an AOF rollback takes back a decision and the
 * approval is decided again the same way, its terminal event repeats the same id, hence the same
 * `webhook-id` and SSE event id, and receivers de-duplicate it. Hex, since Standard Webhooks ids must
 * not contain '.'.
 */
export function eventIdOf(record: Pick<ApprovalRecord, 'id' | 'createdAt' | 'status'>): string {
  const digest = createHash('sha256').update(`${record.id}\n${record.createdAt}\n${record.status}`).digest('hex');
  return `evt_${digest.slice(0, 32)}`;
}
