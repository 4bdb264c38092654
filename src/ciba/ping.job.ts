// A queue name that is no RedisKeys kind (its keys are `<prefix>:ping:…`).
export const CIBA_PING_QUEUE = 'ping';

/** One ping job per approval made through CIBA by a ping client: ids only, the secrets are unsealed each run. */
export interface PingJobData {
  approvalId: string;
  /** Attempts made so far. */
  attempt: number;
  /** No attempt starts after this instant (ms): the webhook retry horizon. */
  deadlineMs: number;
}

/** The approval id in base64url: job ids must not hold ':', which operationIds may. */
export function pingJobId(approvalId: string): string {
  return `ping-${Buffer.from(approvalId, 'utf8').toString('base64url')}`;
}
