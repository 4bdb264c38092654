import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { DeliveriesService } from './deliveries.service';
import { DeliveryHandler } from './delivery.handler';
import { DELIVERY_QUEUE } from './delivery.job';
import { DeliveryProducer } from './delivery.producer';
import { DeliveryReconciler } from './delivery.reconciler';
import { DeliveryStore } from './delivery.store';
import { OutcomeReconciler } from './outcome.reconciler';
import { WebhookClient } from './webhook.client';

/**
 * Webhook delivery of decisions: every process schedules deliveries (it may decide an approval);
 * WorkerModule adds the processor that sends them and ApiModule the redeliver route.
 */
@Module({
  imports: [BullModule.registerQueue({ name: DELIVERY_QUEUE }), ApprovalsModule],
  providers: [DeliveryProducer, DeliveryStore, DeliveryHandler, WebhookClient, DeliveriesService, DeliveryReconciler, OutcomeReconciler],
  exports: [DeliveriesService, DeliveryHandler, DeliveryReconciler, OutcomeReconciler],
})
export class WebhooksModule {}
