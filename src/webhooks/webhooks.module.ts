import { BullModule } from '@nestjs/bullmq';
import { Module, OnApplicationBootstrap, forwardRef } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { AppConfig } from '../config/app.config';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { DeliveryHandler } from './delivery.handler';
import { DELIVERY_QUEUE } from './delivery.job';
import { DeliveryProcessor } from './delivery.processor';
import { DeliveryProducer } from './delivery.producer';
import { DeliveryReconciler } from './delivery.reconciler';
import { DeliveryStore } from './delivery.store';
import { WebhookClient } from './webhook.client';

@Module({
  imports: [BullModule.registerQueue({ name: DELIVERY_QUEUE }), forwardRef(() => ApprovalsModule)],
  controllers: [DeliveriesController],
  providers: [DeliveryProducer, DeliveryStore, DeliveryHandler, DeliveryProcessor, WebhookClient, DeliveriesService, DeliveryReconciler],
  exports: [DeliveryProducer, BullModule],
})
export class WebhooksModule implements OnApplicationBootstrap {
  constructor(private readonly processor: DeliveryProcessor, private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    const worker = this.processor.worker;
    worker.concurrency = this.config.webhooks.concurrency;
    // ROLE=api: this process schedules deliveries; worker processes send them.
    if (this.config.runtime.runsWorkers) worker.run().catch((err: Error) => worker.emit('error', err));
  }
}
