export const POLL_QUEUE = 'poll';

/** Payload of the one poll job per pending approval: ids only, state is reloaded each run. */
export interface PollJobData {
  approvalId: string;
  /** Consecutive failed polls, for backoff. */
  failures?: number;
}

/** BullMQ job ids may not contain ':', which operationIds may; '%' never occurs in them, so this is reversible. */
export function pollJobId(approvalId: string): string {
  return `poll-${approvalId.replace(/:/g, '%3A')}`;
}
