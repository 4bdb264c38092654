/** Longest wait between two polls while upstream fails, so that recovery is noticed soon. */
export const MAX_BACKOFF_MS = 30_000;

export type PollDelayReason =
  { kind: 'pending' } | { kind: 'throttled'; retryAfterMs?: number } | { kind: 'unavailable'; failures: number; retryAfterMs?: number };

/**
 * When to poll next, in ms from now.
 * - pending: the interval ±10 %, so approvals created together do not stay phase-locked.
 * - throttled (429): what Retry-After asked, never less than the interval.
 * - unavailable (5xx, timeout, malformed, open circuit): full jitter over an exponential cap (AWS
 *   "Exponential Backoff And Jitter"), but never sooner than the interval nor than a Retry-After /
 *   half-open time, so an outage cannot cause a storm.
 */
export function nextPollDelay(reason: PollDelayReason, intervalMs: number, random: () => number = Math.random): number {
  switch (reason.kind) {
    case 'pending':
      return Math.round(intervalMs * (0.9 + 0.2 * random()));
    case 'throttled':
      return Math.max(intervalMs, reason.retryAfterMs ?? intervalMs * 2) + Math.round(random() * intervalMs * 0.1);
    case 'unavailable': {
      const cap = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(reason.failures, 16));
      const backoff = Math.max(intervalMs, Math.round(random() * cap));
      if (reason.retryAfterMs === undefined) return backoff;
      // A 5xx's Retry-After, or an open circuit's time to half-open: never sooner, and spread out so
      // that the polls parked by one outage do not all come back in the same instant.
      return Math.max(backoff, reason.retryAfterMs + Math.round(random() * Math.max(intervalMs, reason.retryAfterMs * 0.2)));
    }
  }
}

/** The share of a delay by which a late poll may bring the next one closer. */
const MAX_CATCH_UP = 0.1;

/**
 * The next poll time, clamped so that one poll always happens exactly at the deadline.
 *
 * With `dueMs` (when this poll was due), a pending approval keeps its rhythm: the next poll is
 * `delayMs` after this one was due, not after it finished. Counting from the finish added the wait
 * for a tick, the claim and Recognize's answer to every cycle (at 2,000 pending the polls came at
 * 97 % of the asked rate). A poll later than a tenth of the delay catches up by that tenth only: an
 * overloaded poller stretches its cycle, as before, rather than polling sooner and falling further behind.
 */
export function nextPollAt(nowMs: number, delayMs: number, deadlineMs: number, dueMs?: number): number {
  const fromNow = nowMs + delayMs;
  const atMs = dueMs === undefined ? fromNow : Math.max(dueMs + delayMs, fromNow - Math.round(delayMs * MAX_CATCH_UP));
  return Math.min(atMs, deadlineMs);
}
