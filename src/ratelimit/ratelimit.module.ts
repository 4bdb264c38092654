import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { BUCKETS, ClientThrottlerGuard } from './client-throttler.guard';
import { UserLimitsService } from './user-limits.service';

/** Rate limits: per calling client (creations and other /v1 requests apart), per address without a key, and per end user. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [
          { name: BUCKETS.creates, ttl: config.runtime.rateLimit.windowMs, limit: config.runtime.rateLimit.createsPerWindow },
          { name: BUCKETS.requests, ttl: config.runtime.rateLimit.windowMs, limit: config.runtime.rateLimit.requestsPerWindow },
          { name: BUCKETS.anonymous, ttl: 60_000, limit: config.runtime.rateLimit.anonymousPerMinute },
        ],
        // Our shared connection (single Redis or Cluster); the storage leaves closing it to us.
        storage: new ThrottlerStorageRedisService(redis),
      }),
    }),
  ],
  providers: [UserLimitsService, { provide: APP_GUARD, useClass: ClientThrottlerGuard }],
  // ThrottlerModule: the CIBA endpoints count in the same buckets once they know the client (ciba/ciba-throttle.ts).
  exports: [UserLimitsService, ThrottlerModule],
})
export class RateLimitModule {}
