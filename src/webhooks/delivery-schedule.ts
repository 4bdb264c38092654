/** Longest single wait between two attempts, so that a receiver that recovers is reached within hours. */
export const MAX_DELIVERY_DELAY_MS = 4 * 60 * 60 * 1000;

/**
 * Wait after failed attempt number `attempt` (1, 2, …): "full jitter" (AWS, Exponential Backoff And
 * Jitter), uniformly in [0, min(cap, base·2^(attempt-1))], so that the deliveries of an outage do not
 * all come back at once when the receiver recovers.
 */
export function retryDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const cap = Math.min(MAX_DELIVERY_DELAY_MS, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 32));
  return Math.round(random() * cap);
}

export interface RetryInput {
  nowMs: number;
  /** Failed attempts so far in this round, including the one that just failed. */
  attempt: number;
  baseMs: number;
  /** The horizon: no attempt starts after it. */
  deadlineMs: number;
  /** What the receiver asked for with Retry-After (429/503), if anything. */
  retryAfterMs?: number;
}

/**
 * When to try again, or undefined when the delivery is out of time (dead-letter). The backoff is
 * clamped to the horizon, so the last attempt happens at the horizon; a Retry-After is honoured
 * (never sooner), and one that points past the horizon ends the delivery.
 */
export function nextAttemptAt(input: RetryInput, random: () => number = Math.random): number | undefined {
  const { nowMs, attempt, baseMs, deadlineMs, retryAfterMs } = input;
  if (nowMs >= deadlineMs) return undefined;
  const backoffAt = Math.min(nowMs + retryDelay(attempt, baseMs, random), deadlineMs);
  const at = retryAfterMs === undefined ? backoffAt : Math.max(backoffAt, nowMs + retryAfterMs);
  return at <= deadlineMs ? at : undefined;
}
