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
 * The due sets (`S:polls:due`, one per shard: approval id → next poll time in ms) and the backoff
 * counters (`S:polls:failures`). An approval is in its own shard's sets only. Every change is one atomic script (`*.lua` beside this file), so two ticks,
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

  /** Every shard's number: a tick claims from each in turn. */
  get shards(): readonly number[] {
    return this.keys.shards.all;
  }

  /** Takes up to `max` of one shard's approvals due at `nowMs`, leased until `leaseUntilMs`. */
  async claim(shard: number, nowMs: number, leaseUntilMs: number, max: number): Promise<ClaimedPoll[]> {
    const flat = await this.claimDuePolls(
      [this.keys.pollsDue(shard), this.keys.pollFailures(shard)],
      nowMs,
      leaseUntilMs,
      max,
      approvalKeysForScripts.recordPrefix(this.keys, shard),
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

  /** One script per shard for a whole batch of results. */
  async reschedule(results: PollWriteBack[]): Promise<number> {
    const byShard = new Map<number, (string | number)[]>();
    for (const r of results) {
      const shard = this.keys.shardOf(r.approvalId);
      let args = byShard.get(shard);
      if (!args) byShard.set(shard, (args = []));
      if (r.done) args.push(r.approvalId, 'done', '');
      else args.push(r.approvalId, r.atMs, (r.failures ?? 0) === (r.previousFailures ?? 0) ? '' : (r.failures ?? 0));
    }
    const written = await Promise.all(
      [...byShard].map(([shard, args]) => this.reschedulePolls([this.keys.pollsDue(shard), this.keys.pollFailures(shard)], ...args)),
    );
    return written.reduce((sum, n) => sum + n, 0);
  }

  /**
   * Follows the approvals of `ids` (all of `shard`) that are pending and not followed yet (ZADD NX),
   * first poll at `atMs`: a no-op for the others, so the reconciler never creates a second poll of one operation.
   */
  async follow(shard: number, ids: string[], atMs: number): Promise<number> {
    if (!ids.length) return 0;
    return this.followPending([approvalKeysForScripts.pendingIndex(this.keys, shard), this.keys.pollsDue(shard)], atMs, ...ids);
  }
}
