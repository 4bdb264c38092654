export const POLL_QUEUE = 'poll';

/**
 * The one job scheduler of the poll queue: it produces a `tick` job every POLL_TICK_MS, and each
 * tick polls the approvals that are due. BullMQ's cost scales with ticks, not with approvals. The
 * tick carries nothing: which approval is polled comes from claims on the due set (polls.store.ts).
 */
export const POLL_TICK_SCHEDULER = 'poll-tick';
export const POLL_TICK_JOB = 'tick';
