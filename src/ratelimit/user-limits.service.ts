import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { StorageQuotaExceededError, TooManyRequestsError } from '../common/app.errors';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { RedisScript, defineScript } from '../redis/redis-script';

const WINDOW_MS = 60_000;
/**
 * A pending approval may be decided any moment, long before it expires: its expiry is only the
 * latest time a slot frees, so the hint is capped to keep callers from waiting needlessly long.
 */
const MAX_PENDING_RETRY_AFTER_S = 60;

/** Which limit refused an admission: too many pending, too many creations in the window, the client's storage quota. */
export type LimitVerdict = 1 | 2 | 3;

/** What counting a creation against its limits found: counted, or refused by one limit (`retryAfterMs`: when a slot frees). */
export type LimitCount = { kind: 'admitted' } | { kind: 'limited'; verdict: LimitVerdict; retryAfterMs: number };

/** The creation being counted: its id, and the times the limits count it until. */
export interface CountedCreation {
  id: string;
  expiresAtMs: number;
  keepUntilMs: number;
}

/**
 * Per end-user limits on approvals, counted per (client, user), and the client's storage quota,
 * held in Redis so that they apply across all instances. The limits are counted per client so that
 * one client's approvals never make another client's request fail; for the same reason the 429s say
 * which limit was hit and never how many approvals the user has.
 *
 * This folder owns the counting keys, the numbers and the counting script (count-admission-3.lua, one
 * slot under the client's hash tag); the approval ids and records are approvals', which reserves the
 * id in its shard first and reads the records the lazy cleanup needs.
 */
@Injectable()
export class UserLimitsService {
  private readonly countAdmission: RedisScript<(string | number)[], (string | number)[]>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {
    this.countAdmission = defineScript(redis, __dirname, 'count-admission-3.lua');
  }

  /**
   * Counts a creation of `userId` at `clientId` against the limits, or says which one refused it.
   * `decidedAmong` (approvals') is asked only when the user's pending set is full: which of its
   * members are decided, so the set can drop them before the verdict.
   */
  async count(
    clientId: string,
    userId: string,
    c: CountedCreation,
    decidedAmong: (ids: string[]) => Promise<string[]>,
  ): Promise<LimitCount> {
    const first = await this.runCount(clientId, userId, c, false, []);
    if (first !== 'list') return first;
    const decided = await decidedAmong(await this.redis.zrange(this.keys.userPending(clientId, userId), 0, -1));
    const second = await this.runCount(clientId, userId, c, true, decided);
    if (second === 'list') throw new Error('the admission count asked for the pending set twice');
    return second;
  }

  private async runCount(
    clientId: string,
    userId: string,
    c: CountedCreation,
    checked: boolean,
    decided: string[],
  ): Promise<LimitCount | 'list'> {
    const limits = this.config.runtime.rateLimit;
    const [kind, verdict, retryAfterMs] = await this.countAdmission(
      [this.keys.userPending(clientId, userId), this.keys.userCreations(clientId, userId), this.keys.clientStored(clientId)],
      Date.now(),
      WINDOW_MS,
      limits.userMaxPending,
      limits.userMaxCreationsPerMinute,
      c.id,
      c.expiresAtMs,
      limits.clientMaxStoredApprovals,
      c.keepUntilMs,
      checked ? '1' : '0',
      ...decided,
    );
    if (kind === 'list') return 'list';
    if (kind === 'admitted') return { kind };
    return { kind: 'limited', verdict: verdict as LimitVerdict, retryAfterMs: retryAfterMs as number };
  }

  /** The 429 for a refused admission, naming the limit hit, never how many approvals the user has. */
  refusal(verdict: LimitVerdict, retryAfterMs: number): Error {
    if (verdict === 1) {
      const retryAfterS = Math.min(MAX_PENDING_RETRY_AFTER_S, seconds(retryAfterMs));
      return new TooManyRequestsError('This user has reached the limit of pending approvals; retry when one is decided', retryAfterS);
    }
    if (verdict === 2) {
      return new TooManyRequestsError('Too many approvals were created for this user in the last minute', seconds(retryAfterMs));
    }
    return new StorageQuotaExceededError(
      'This client has reached its quota of stored approvals; retry when older ones leave retention',
      seconds(retryAfterMs),
    );
  }

  /** Frees the slots of an approval that was not created after all. */
  async release(clientId: string, userId: string, id: string): Promise<void> {
    await this.redis.multi().zrem(this.keys.userPending(clientId, userId), id).zrem(this.keys.clientStored(clientId), id).exec();
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
