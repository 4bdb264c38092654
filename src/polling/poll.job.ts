export const POLL_QUEUE = 'poll';

/**
 * The one job scheduler of the poll queue: it produces a `tick` job every POLL_TICK_MS, and each
 * tick polls the approvals that are due. BullMQ's cost scales with ticks, not with approvals.
 */
export const POLL_TICK_SCHEDULER = 'poll-tick';
export const POLL_TICK_JOB = 'tick';

/** One poll of one approval, as claimed from the due set: ids only, state is reloaded each run. */
export interface PollJobData {
  approvalId: string;
  /** Consecutive failed polls, for backoff. */
  failures?: number;
}
