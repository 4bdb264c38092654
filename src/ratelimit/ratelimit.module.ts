import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { ClientThrottlerGuard } from './client-throttler.guard';
import { UserLimitsService } from './user-limits.service';

/** Rate limits: per calling client (every /v1 route) and per end user (approval creation). */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.runtime.rateLimit.perClientPerMinute }],
        // Our shared connection (single Redis or Cluster); the storage leaves closing it to us.
        storage: new ThrottlerStorageRedisService(redis),
      }),
    }),
  ],
  providers: [UserLimitsService, { provide: APP_GUARD, useClass: ClientThrottlerGuard }],
  exports: [UserLimitsService],
})
export class RateLimitModule {}
