import { Injectable, Logger } from '@nestjs/common';
import { ApprovalRecord, isTerminal } from '../approvals/approval';
import { ApprovalsService, DecisionDetails } from '../approvals/approvals.service';
import { AuthenticationDetailsService } from './authentication-details.service';
import { AppConfig } from '../config/app.config';
import { RecognizeClient } from '../recognize/recognize.client';
import { RecognizeError, RecognizeNotFoundError, RecognizeThrottledError, RecognizeUnavailableError } from '../recognize/recognize.errors';
import { RecognizeOperation } from '../recognize/recognize.types';
import { AnswerOutcome, expiresWithoutPolling, outcomeOfAnswer } from './outcome-rules';
import { PollDelayReason, nextPollAt, nextPollDelay } from './poll-schedule';
import { ClaimedPoll } from './polls.store';

/** What one poll did: ended the approval, found nothing to do, or asks to run again at `atMs`. */
export type PollResult = { kind: 'done'; status: string } | { kind: 'again'; atMs: number; data: ClaimedPoll };

type EndStatus = 'approved' | 'rejected' | 'expired' | 'failed';

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
    const record =
      data.doc === undefined
        ? await this.approvals.get(data.approvalId)
        : data.doc === null
          ? undefined
          : this.approvals.recordOfDoc(data.doc);
    if (!record) return { kind: 'done', status: 'gone' };
    if (isTerminal(record.status)) {
      // Its decision may not have reached delivery (a crash after the transition): announce it again.
      await this.approvals.announceDecisionAgain(record.id);
      return { kind: 'done', status: record.status };
    }
    // After a crash or a restore: no answer now could still be dated in time, so Recognize is not asked.
    if (expiresWithoutPolling(record.expiresAt, Date.now())) return this.end(record.id, 'expired');

    const deadlineMs = Date.parse(record.expiresAt);
    let reason: PollDelayReason;
    try {
      const operation = await this.recognize.getOperation(record.id);
      const outcome = await this.judge(record, operation, Date.now());
      if (outcome.status === 'upstream-fault') {
        // An answer that contradicts itself or is about another operation is no decision: back off as in an outage.
        this.logger.warn(`Poll of ${record.id}: Recognize's answer is not usable (${outcome.reason}); backing off`);
        reason = { kind: 'unavailable', failures: (data.failures ?? 0) + 1 };
      } else if (outcome.status === 'pending') {
        reason = { kind: 'pending' };
      } else {
        return this.end(record.id, outcome.status, outcome.details);
      }
    } catch (err) {
      if (err instanceof RecognizeNotFoundError) return this.end(data.approvalId, 'failed');
      if (!(err instanceof RecognizeError)) throw err;
      // Throttling and outages never end an approval early: back off and try again until the deadline.
      reason =
        err instanceof RecognizeThrottledError
          ? { kind: 'throttled', retryAfterMs: err.retryAfterMs }
          : {
              kind: 'unavailable',
              failures: (data.failures ?? 0) + 1,
              ...(err instanceof RecognizeUnavailableError && { retryAfterMs: err.retryAfterMs }),
            };
      this.logger.debug(`Poll of ${data.approvalId} failed (${err.code}); backing off`);
    }

    // This poll happened at or after the deadline and found no decision: the approval expired.
    const nowMs = Date.now();
    if (nowMs >= deadlineMs) return this.end(data.approvalId, 'expired');
    const failures = reason.kind === 'unavailable' ? reason.failures : 0;
    // Only a pending answer keeps the rhythm; a backoff counts from now, as the failure did.
    const dueMs = reason.kind === 'pending' ? data.dueMs : undefined;
    const atMs = nextPollAt(nowMs, nextPollDelay(reason, this.config.polling.intervalMs), deadlineMs, dueMs);
    return { kind: 'again', atMs, data: { approvalId: data.approvalId, ...(failures && { failures }) } };
  }

  /**
   * The v2 outcome rules for one answer. A decision needs Recognize's telemetry looked up before it is
   * stored: it goes on the record before the terminal event, and it is what may date a late answer's
   * decision at or before expiresAt.
   */
  private async judge(
    record: ApprovalRecord,
    operation: RecognizeOperation,
    receivedAtMs: number,
  ): Promise<Exclude<AnswerOutcome, { status: 'approved' | 'rejected' | 'expired' }> | { status: EndStatus; details: DecisionDetails }> {
    const answer = { approval: record, operation, receivedAtMs };
    const first = outcomeOfAnswer(answer);
    if (first.status === 'pending' || first.status === 'upstream-fault') return first;
    // A pending answer at the deadline needs no telemetry; a decision (in time or late) does.
    if (first.status === 'expired' && operation.state === 'pending') return { status: 'expired', details: {} };
    const authentication = await this.authentications.lookup(record);
    const outcome = outcomeOfAnswer({ ...answer, ...(authentication && { authenticatedAt: authentication.createdAt }) });
    if (outcome.status === 'approved') {
      const authType = outcome.authType ?? authentication?.authType;
      return { status: 'approved', details: { ...(authType && { authType }), ...(authentication && { authentication }) } };
    }
    if (outcome.status === 'rejected') return { status: 'rejected', details: authentication ? { authentication } : {} };
    if (outcome.status === 'expired') {
      this.logger.warn(
        `Approval ${record.id}: Recognize reported a decision after expiresAt that telemetry does not date in time; it expires`,
      );
      return { status: 'expired', details: {} };
    }
    return outcome;
  }

  private async end(id: string, status: EndStatus, details: DecisionDetails = {}): Promise<{ kind: 'done'; status: string }> {
    const record = await this.approvals.finish(id, status, details);
    return { kind: 'done', status: record?.status ?? 'gone' };
  }
}
