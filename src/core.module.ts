import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { ClientsModule } from './clients/clients.module';
import { AppConfig } from './config/app.config';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitModule } from './ratelimit/ratelimit.module';
import { bullConnection, queuePrefix } from './redis/redis.connection';
import { RedisModule } from './redis/redis.module';

/**
 * What every process has, whatever its role: config, logging, metrics, Redis and BullMQ's
 * connection, the clients, rate limits, health and the graceful shutdown. Nothing here depends on a
 * feature module; the features depend on these (most are global).
 */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        MetricsModule,
        RedisModule,
        BullModule.forRoot({
          // A single Redis or a Cluster (REDIS_CLUSTER_NODES); see bullConnection.
          connection: bullConnection(config),
          prefix: queuePrefix(config),
        }),
        ClientsModule.forRoot(config.clients),
        RateLimitModule,
        LifecycleModule,
        HealthModule,
      ],
    };
  }
}
