import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';
import { closeBullConnection, createRedisConnection } from './redis.connection';
import { RedisKeys } from './redis.keys';
import { RedisReplication } from './redis.replication';
import { ShardMap } from './shard-map';

export const REDIS = Symbol('REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
    await closeBullConnection(this.config);
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('Redis');
        // Commands issued during an outage fail after one reconnect attempt instead of hanging a request.
        // Auto-pipelining batches the commands of concurrent polls and requests into one socket write.
        const redis = createRedisConnection(config, { maxRetriesPerRequest: 1, lazyConnect: false, enableAutoPipelining: true });
        redis.on('error', (err: Error) => logger.warn(`Redis connection problem: ${err.message}`));
        return redis;
      },
    },
    {
      provide: RedisKeys,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new RedisKeys(
          config.redis.prefix,
          new ShardMap(config.redis.prefix, config.redis.shards, config.runtime.clusterNodes !== undefined),
        ),
    },
    RedisCloser,
    RedisReplication,
  ],
  exports: [REDIS, RedisKeys, RedisReplication],
})
export class RedisModule {}
