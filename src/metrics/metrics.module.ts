import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { QueuesService } from './queues.service';

/** Global so that any capability can count what it does with one injected MetricsService. */
@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [MetricsController],
  providers: [MetricsService, QueuesService],
  exports: [MetricsService, QueuesService],
})
export class MetricsModule {}
