export interface ApprovalsConfig {
  defaultTimeoutS: number;
  /** How long a terminal approval and its events stay readable. */
  retentionS: number;
}

export interface PollingConfig {
  intervalMs: number;
  /** Polls in flight at once in this process. */
  concurrency: number;
  /** Period of the tick that claims due polls. */
  tickMs: number;
  /** How long a claimed poll stays claimed: after a crash, the approval is polled again once it has passed. */
  leaseMs: number;
}

export interface ApprovalsEnv {
  APPROVAL_TIMEOUT_S: number;
  APPROVAL_RETENTION_S: number;
}

export interface PollingEnv {
  POLL_INTERVAL_MS: number;
  POLL_CONCURRENCY: number;
  POLL_TICK_MS: number;
  POLL_LEASE_MS: number;
  RECOGNIZE_TIMEOUT_MS: number;
}

export function resolveApprovals(env: ApprovalsEnv): ApprovalsConfig {
  return { defaultTimeoutS: env.APPROVAL_TIMEOUT_S, retentionS: env.APPROVAL_RETENTION_S };
}

export function resolvePolling(env: PollingEnv, problems: string[]): PollingConfig {
  // A claimed poll is leased: a lease shorter than one Recognize request could let a second poll of
  // the same operation start while the first is still waiting for its answer.
  if (env.POLL_LEASE_MS <= env.RECOGNIZE_TIMEOUT_MS) {
    problems.push('POLL_LEASE_MS must be greater than RECOGNIZE_TIMEOUT_MS (a poll must end before its lease does)');
  }
  return { intervalMs: env.POLL_INTERVAL_MS, concurrency: env.POLL_CONCURRENCY, tickMs: env.POLL_TICK_MS, leaseMs: env.POLL_LEASE_MS };
}
