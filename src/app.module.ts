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
import { RedisModule, redisOptions } from './redis/redis.module';
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
          // Workers block on Redis: they need maxRetriesPerRequest null (BullMQ's requirement).
          connection: { ...redisOptions(config), maxRetriesPerRequest: null },
          prefix: config.redis.prefix,
        }),
        ClientsModule,
        ApprovalsModule,
        PollingModule,
        SseModule,
        HealthModule,
        ...(config.demo.enabled ? [DemoModule] : []),
      ],
    };
  }
}
