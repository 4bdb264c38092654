import { ClientConfig } from '../clients/client.config';
import { ApprovalResponse } from './approval';

/**
 * GET /v1/approvals/{id}?wait=N: the approval once it leaves pending, or as it is after N seconds.
 * Answered by the events capability (events/approval-long-poll.service.ts), which wakes waiting
 * requests from the event stream it already reads; EventsModule provides it under this class for the
 * controller, so approvals names no file of events/.
 */
export abstract class ApprovalLongPoll {
  /** `gone` aborts when the caller disconnects. */
  abstract find(client: ClientConfig, id: string, waitS: number, gone: AbortSignal): Promise<ApprovalResponse>;
}
