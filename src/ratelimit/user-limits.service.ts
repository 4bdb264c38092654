import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { TooManyRequestsError } from '../common/app.errors';
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

/** Per end-user limits on approvals, held in Redis so that they apply across all instances. */
@Injectable()
export class UserLimitsService {
  /** admit-user-approval.lua: its keys are the user's two sets, then the record of each listed id. */
  private readonly admitUserApproval: RedisScript<(string | number)[], [number, number]>;

  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly keys: RedisKeys, private readonly config: AppConfig) {
    this.admitUserApproval = defineScript(redis, __dirname, 'admit-user-approval.lua');
  }

  /** Counts approval `id` against `userId`'s limits, or throws a 429 naming the limit hit. */
  async admit(userId: string, id: string, expiresAtMs: number): Promise<void> {
    const limits = this.config.runtime.rateLimit;
    const pendingKey = this.keys.userPending(userId);
    const listed = await this.redis.zrange(pendingKey, 0, -1);
    const keys = [pendingKey, this.keys.userCreations(userId), ...listed.map((l) => this.keys.approval(l))];
    const [verdict, retryAfterMs] = await this.admitUserApproval(
      keys,
      Date.now(),
      WINDOW_MS,
      limits.userMaxPending,
      limits.userMaxCreationsPerMinute,
      id,
      expiresAtMs,
      listed.length,
      ...listed,
    );
    if (verdict === 1) {
      const retryAfterS = Math.min(MAX_PENDING_RETRY_AFTER_S, seconds(retryAfterMs));
      throw new TooManyRequestsError(`User ${userId} already has ${limits.userMaxPending} pending approvals`, retryAfterS);
    }
    if (verdict === 2) {
      throw new TooManyRequestsError(`At most ${limits.userMaxCreationsPerMinute} approvals per minute may be created for user ${userId}`, seconds(retryAfterMs));
    }
  }

  /** Frees the pending slot of an approval that was not created after all. */
  async release(userId: string, id: string): Promise<void> {
    await this.redis.zrem(this.keys.userPending(userId), id);
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
