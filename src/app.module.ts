import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { ApprovalsModule } from './approvals/approvals.module';
import { ClientsModule } from './clients/clients.module';
import { AppConfig } from './config/app.config';
import { ConfigModule } from './config/config.module';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PollingModule } from './polling/polling.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { RateLimitModule } from './ratelimit/ratelimit.module';
import { bullConnection } from './redis/redis.connection';
import { RedisModule } from './redis/redis.module';
import { SseModule } from './events/sse.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        MetricsModule,
        RedisModule,
        BullModule.forRoot({
          // A single Redis or a Cluster (REDIS_CLUSTER_NODES); see bullConnection.
          connection: bullConnection(config),
          prefix: config.redis.prefix,
        }),
        ClientsModule,
        RateLimitModule,
        LifecycleModule,
        ApprovalsModule,
        PollingModule,
        HealthModule,
        SseModule,
        ...(config.demo.enabled ? [DemoModule.forRoot(config)] : []),
      ],
    };
  }
}
