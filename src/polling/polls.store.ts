import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { RedisScript, defineScript } from '../redis/redis-script';
import { approvalKeysForScripts } from '../approvals/approval-keys';

/** One approval claimed from the due set for one poll: its id, state is reloaded by the poll. */
export interface ClaimedPoll {
  approvalId: string;
  /** Consecutive failed polls, for backoff. */
  failures?: number;
  /**
   * The record's doc as the claim read it (null: no record); absent when the claim did not read it.
   * Decoded by approvals (ApprovalsService.recordOfDoc): its shape is theirs.
   * Its consumption fields are not read: a record that can be consumed is decided, and no longer polled.
   */
  doc?: string | null;
  /** When this poll was due (ms): the next one is scheduled from it. Absent: from when it ran. */
  dueMs?: number;
}

/** What to write back after a poll: the next time (and backoff state) or the end of polling. */
export type PollWriteBack =
  { approvalId: string; done: true } | { approvalId: string; done?: false; atMs: number; failures?: number; previousFailures?: number };

/**
 * The due set (`P:polls:due`, approval id → next poll time in ms) and the backoff counters
 * (`P:polls:failures`). Every change is one atomic script (`*.lua` beside this file), so two ticks,
 * on one instance or on several, never claim the same approval: at most one poll of an operation is in flight.
 */
@Injectable()
export class PollsStore {
  private readonly claimDuePolls: RedisScript<[number, number, number, string], (string | null)[]>;
  private readonly reschedulePolls: RedisScript<(string | number)[], number>;
  private readonly followPending: RedisScript<(string | number)[], number>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.claimDuePolls = defineScript(redis, __dirname, 'claim-due-polls-2.lua');
    this.reschedulePolls = defineScript(redis, __dirname, 'reschedule-polls-2.lua');
    this.followPending = defineScript(redis, __dirname, 'follow-pending-2.lua');
  }

  /** Takes up to `max` approvals due at `nowMs`, leased until `leaseUntilMs`. */
  async claim(nowMs: number, leaseUntilMs: number, max: number): Promise<ClaimedPoll[]> {
    const flat = await this.claimDuePolls(
      [this.keys.pollsDue(), this.keys.pollFailures()],
      nowMs,
      leaseUntilMs,
      max,
      approvalKeysForScripts.recordPrefix(this.keys),
    );
    const claimed: ClaimedPoll[] = new Array(flat.length / 4);
    for (let i = 0; i < flat.length; i += 4) {
      const failures = Number(flat[i + 1] ?? 0);
      const poll: ClaimedPoll = { approvalId: flat[i] as string, doc: flat[i + 2], dueMs: Number(flat[i + 3]) };
      if (failures > 0) poll.failures = failures;
      claimed[i / 4] = poll;
    }
    return claimed;
  }

  /** One script for a whole batch of results. */
  async reschedule(results: PollWriteBack[]): Promise<number> {
    if (!results.length) return 0;
    const args = results.flatMap((r) =>
      r.done
        ? [r.approvalId, 'done', '']
        : [r.approvalId, r.atMs, (r.failures ?? 0) === (r.previousFailures ?? 0) ? '' : (r.failures ?? 0)],
    );
    return this.reschedulePolls([this.keys.pollsDue(), this.keys.pollFailures()], ...args);
  }

  /**
   * Follows the approvals of `ids` that are pending and not followed yet (ZADD NX), first poll at
   * `atMs`: a no-op for the others, so the reconciler never creates a second poll of one operation.
   */
  async follow(ids: string[], atMs: number): Promise<number> {
    if (!ids.length) return 0;
    return this.followPending([approvalKeysForScripts.pendingIndex(this.keys), this.keys.pollsDue()], atMs, ...ids);
  }
}
