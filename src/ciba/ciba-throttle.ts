import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage, normalizeIp } from '@nestjs/throttler';
import { AppConfig } from '../config/app.config';
import { BUCKETS } from '../ratelimit/client-throttler.guard';
import { RedisKeys } from '../redis/redis.keys';
import { OAuthError } from './oauth.errors';

type Bucket = (typeof BUCKETS)[keyof typeof BUCKETS];

/**
 * The global throttle on /oauth/*, in the very buckets (and Redis counters) of /v1: who the caller
 * is is known only once the form is read and the client authenticated, so the CIBA code counts
 * here rather than the guard. An authenticated client's backchannel requests count as its
 * creations and its token requests as its other requests; a failed authentication counts against
 * the caller's address, like a /v1 request without a valid key. Over the limit: 429 access_denied.
 */
@Injectable()
export class CibaThrottle {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
    private readonly keys: RedisKeys,
  ) {}

  async client(clientId: string, kind: 'creates' | 'requests'): Promise<void> {
    const { windowMs, createsPerWindow, requestsPerWindow } = this.config.runtime.rateLimit;
    await this.count(kind, `client:${clientId}`, windowMs, kind === 'creates' ? createsPerWindow : requestsPerWindow);
  }

  /** A failed client authentication from `ip`: throws 429 once the address is over its limit. */
  async failedAuthentication(ip: string | undefined): Promise<void> {
    await this.count(BUCKETS.anonymous, `ip:${ip ? normalizeIp(ip) : 'unknown'}`, 60_000, this.config.runtime.rateLimit.anonymousPerMinute);
  }

  private async count(bucket: Bucket, tracker: string, ttlMs: number, limit: number): Promise<void> {
    const key = `${this.keys.prefix}:ratelimit:${bucket}:${tracker}`;
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(key, ttlMs, limit, ttlMs, bucket);
    if (isBlocked) throw new OAuthError(429, 'access_denied', 'Rate limit exceeded; retry later', {}, Math.max(1, timeToBlockExpire));
  }
}
