import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { StorageQuotaExceededError, TooManyRequestsError } from '../common/app.errors';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';

const WINDOW_MS = 60_000;
/**
 * A pending approval may be decided any moment, long before it expires: its expiry is only the
 * latest time a slot frees, so the hint is capped to keep callers from waiting needlessly long.
 */
const MAX_PENDING_RETRY_AFTER_S = 60;

/** Which limit refused an admission: too many pending, too many creations in the window, the client's storage quota. */
export type LimitVerdict = 1 | 2 | 3;

/**
 * The limits an admission is counted against, as the admission script (approvals/admit-approval.lua)
 * takes them: the keys in this order, then the numbers.
 */
export interface AdmissionLimits {
  /** userPending (ZSET id → expiresAt ms), userCreations (ZSET id → created ms), clientStored (ZSET id → kept-until ms). */
  keys: [string, string, string];
  windowMs: number;
  maxPending: number;
  maxCreations: number;
  maxStored: number;
}

/**
 * Per end-user limits on approvals, counted per (client, user), and the client's storage quota,
 * held in Redis so that they apply across all instances. The limits are counted per client so that
 * one client's approvals never make another client's request fail; for the same reason the 429s say
 * which limit was hit and never how many approvals the user has.
 *
 * This folder owns the counting keys and the numbers; the approval ids and records are approvals'.
 * The count itself runs inside approvals' admission script, which also looks the id up and reserves
 * it, so that a creation costs one round trip before Recognize is asked.
 */
@Injectable()
export class UserLimitsService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  /** The keys and numbers one admission of `userId` at `clientId` is counted against. */
  limitsFor(clientId: string, userId: string): AdmissionLimits {
    const limits = this.config.runtime.rateLimit;
    return {
      keys: [this.keys.userPending(clientId, userId), this.keys.userCreations(clientId, userId), this.keys.clientStored(clientId)],
      windowMs: WINDOW_MS,
      maxPending: limits.userMaxPending,
      maxCreations: limits.userMaxCreationsPerMinute,
      maxStored: limits.clientMaxStoredApprovals,
    };
  }

  /** The ids counted as the user's pending approvals at the client (the script asks for them only when the set is full). */
  pendingIdsOf(clientId: string, userId: string): Promise<string[]> {
    return this.redis.zrange(this.keys.userPending(clientId, userId), 0, -1);
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
