import { Injectable, Logger } from '@nestjs/common';
import { isTerminal } from '../approvals/approval';
import { ApprovalsService } from '../approvals/approvals.service';
import { AuthenticationDetailsService } from '../approvals/authentication-details.service';
import { AppConfig } from '../config/app.config';
import { RecognizeClient } from '../recognize/recognize.client';
import { RecognizeError, RecognizeNotFoundError, RecognizeThrottledError, RecognizeUnavailableError } from '../recognize/recognize.errors';
import { outcomeOf } from './poll-outcome';
import { PollDelayReason, nextPollAt, nextPollDelay } from './poll-schedule';
import { ClaimedPoll } from './polls.store';

/** What one poll did: ended the approval, found nothing to do, or asks to run again at `atMs`. */
export type PollResult =
  | { kind: 'done'; status: string }
  | { kind: 'again'; atMs: number; data: ClaimedPoll };

/** One poll of one approval. Idempotent: state is reloaded by id on every run. */
@Injectable()
export class PollHandler {
  private readonly logger = new Logger(PollHandler.name);

  constructor(
    private readonly approvals: ApprovalsService,
    private readonly recognize: RecognizeClient,
    private readonly authentications: AuthenticationDetailsService,
    private readonly config: AppConfig,
  ) {}

  async handle(data: ClaimedPoll): Promise<PollResult> {
    const record = await this.approvals.get(data.approvalId);
    if (!record) return { kind: 'done', status: 'gone' };
    if (isTerminal(record.status)) {
      // Its decision may not have reached delivery (a crash after the transition): announce it again.
      await this.approvals.announceDecisionAgain(record.id);
      return { kind: 'done', status: record.status };
    }

    const deadlineMs = Date.parse(record.expiresAt);
    let reason: PollDelayReason;
    try {
      const outcome = outcomeOf(await this.recognize.getOperation(record.id));
      if (outcome.status === 'approved') return this.decide(data.approvalId, 'approved', outcome.authType);
      if (outcome.status === 'rejected') return this.decide(data.approvalId, 'rejected');
      reason = { kind: 'pending' };
    } catch (err) {
      if (err instanceof RecognizeNotFoundError) return this.end(data.approvalId, 'failed');
      if (!(err instanceof RecognizeError)) throw err;
      // Throttling and outages never end an approval early: back off and try again until the deadline.
      reason =
        err instanceof RecognizeThrottledError
          ? { kind: 'throttled', retryAfterMs: err.retryAfterMs }
          : { kind: 'unavailable', failures: (data.failures ?? 0) + 1, ...(err instanceof RecognizeUnavailableError && { retryAfterMs: err.retryAfterMs }) };
      this.logger.debug(`Poll of ${data.approvalId} failed (${err.code}); backing off`);
    }

    // This poll happened at or after the deadline and found no decision: the approval expired.
    const nowMs = Date.now();
    if (nowMs >= deadlineMs) return this.end(data.approvalId, 'expired');
    const failures = reason.kind === 'unavailable' ? reason.failures : 0;
    const atMs = nextPollAt(nowMs, nextPollDelay(reason, this.config.polling.intervalMs), deadlineMs);
    return { kind: 'again', atMs, data: { approvalId: data.approvalId, ...(failures && { failures }) } };
  }

  private async decide(id: string, status: 'approved' | 'rejected', authType?: 'biom' | 'pin'): Promise<PollResult> {
    const result = await this.end(id, status, authType);
    if (result.status === status) await this.authentications.attach(id);
    return result;
  }

  private async end(id: string, status: 'approved' | 'rejected' | 'expired' | 'failed', authType?: 'biom' | 'pin'): Promise<{ kind: 'done'; status: string }> {
    const record = await this.approvals.finish(id, status, { ...(authType && { authType }), ...(status === 'approved' && { approvedBy: 'push' as const }) });
    return { kind: 'done', status: record?.status ?? 'gone' };
  }
}
