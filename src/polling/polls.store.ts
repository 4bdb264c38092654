import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { PollJobData } from './poll.job';
import { CLAIM_DUE_POLLS, FOLLOW_PENDING, RESCHEDULE_POLLS } from './poll.scripts';

/** What to write back after a poll: the next time (and backoff state) or the end of polling. */
export type PollWriteBack =
  | { approvalId: string; done: true }
  | { approvalId: string; done?: false; atMs: number; failures?: number; previousFailures?: number };

interface ScriptedRedis extends Redis {
  claimDuePolls(...args: (string | number)[]): Promise<(string | null)[]>;
  reschedulePolls(...args: (string | number)[]): Promise<number>;
  followPending(...args: (string | number)[]): Promise<number>;
}

/** The due set: which approval is polled when. Every change is one atomic script (see poll.scripts.ts). */
@Injectable()
export class PollsStore {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS) redis: Redis, private readonly keys: RedisKeys) {
    redis.defineCommand('claimDuePolls', { numberOfKeys: 2, lua: CLAIM_DUE_POLLS });
    redis.defineCommand('reschedulePolls', { numberOfKeys: 2, lua: RESCHEDULE_POLLS });
    redis.defineCommand('followPending', { numberOfKeys: 2, lua: FOLLOW_PENDING });
    this.redis = redis as ScriptedRedis;
  }

  /** Takes up to `max` approvals due at `nowMs`, leased until `leaseUntilMs`. */
  async claim(nowMs: number, leaseUntilMs: number, max: number): Promise<PollJobData[]> {
    const flat = await this.redis.claimDuePolls(this.keys.pollsDue(), this.keys.pollFailures(), nowMs, leaseUntilMs, max);
    const claimed: PollJobData[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const failures = Number(flat[i + 1] ?? 0);
      claimed.push({ approvalId: flat[i] as string, ...(failures > 0 && { failures }) });
    }
    return claimed;
  }

  /** One script for a whole batch of results. */
  async reschedule(results: PollWriteBack[]): Promise<number> {
    if (!results.length) return 0;
    const args = results.flatMap((r) =>
      r.done ? [r.approvalId, 'done', ''] : [r.approvalId, r.atMs, (r.failures ?? 0) === (r.previousFailures ?? 0) ? '' : r.failures ?? 0],
    );
    return this.redis.reschedulePolls(this.keys.pollsDue(), this.keys.pollFailures(), ...args);
  }

  /** Follows the approvals of `ids` that are pending and not followed yet, first poll at `atMs`. */
  async follow(ids: string[], atMs: number): Promise<number> {
    if (!ids.length) return 0;
    return this.redis.followPending(this.keys.pendingApprovals(), this.keys.pollsDue(), atMs, ...ids);
  }

  /** Stops polling an approval; a poll in flight ends on its own (its write-back finds the id gone). */
  async stop(approvalId: string): Promise<void> {
    await this.redis.zrem(this.keys.pollsDue(), approvalId);
  }

  async dueCount(): Promise<number> {
    return this.redis.zcard(this.keys.pollsDue());
  }
}
