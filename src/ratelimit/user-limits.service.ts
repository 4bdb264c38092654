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

/**
 * Per end-user limits on approvals, counted per (client, user), and the client's storage quota,
 * held in Redis so that they apply across all instances. The limits are counted per client so that
 * one client's approvals never make another client's request fail; for the same reason the 429s say
 * which limit was hit and never how many approvals the user has.
 */
@Injectable()
export class UserLimitsService {
  /** admit-user-approval.lua: its keys are the user's two sets and the client's stored set, then the record of each listed id. */
  private readonly admitUserApproval: RedisScript<(string | number)[], [number, number]>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {
    this.admitUserApproval = defineScript(redis, __dirname, 'admit-user-approval.lua');
  }

  /**
   * Counts approval `id` against `userId`'s limits at `clientId` and against the client's storage
   * quota (the id is counted until `keepUntilMs`), or throws a 429 naming the limit hit.
   */
  async admit(clientId: string, userId: string, id: string, expiresAtMs: number, keepUntilMs: number): Promise<void> {
    const limits = this.config.runtime.rateLimit;
    const pendingKey = this.keys.userPending(clientId, userId);
    const listed = await this.redis.zrange(pendingKey, 0, -1);
    const keys = [
      pendingKey,
      this.keys.userCreations(clientId, userId),
      this.keys.clientStored(clientId),
      ...listed.map((l) => this.keys.approval(l)),
    ];
    const [verdict, retryAfterMs] = await this.admitUserApproval(
      keys,
      Date.now(),
      WINDOW_MS,
      limits.userMaxPending,
      limits.userMaxCreationsPerMinute,
      id,
      expiresAtMs,
      listed.length,
      limits.clientMaxStoredApprovals,
      keepUntilMs,
      ...listed,
    );
    if (verdict === 1) {
      const retryAfterS = Math.min(MAX_PENDING_RETRY_AFTER_S, seconds(retryAfterMs));
      throw new TooManyRequestsError('This user has reached the limit of pending approvals; retry when one is decided', retryAfterS);
    }
    if (verdict === 2) {
      throw new TooManyRequestsError('Too many approvals were created for this user in the last minute', seconds(retryAfterMs));
    }
    if (verdict === 3) {
      throw new StorageQuotaExceededError(
        'This client has reached its quota of stored approvals; retry when older ones leave retention',
        seconds(retryAfterMs),
      );
    }
  }

  /** Frees the slots of an approval that was not created after all. */
  async release(clientId: string, userId: string, id: string): Promise<void> {
    await this.redis.multi().zrem(this.keys.userPending(clientId, userId), id).zrem(this.keys.clientStored(clientId), id).exec();
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
