import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { DeliveriesService } from './deliveries.service';
import { DeliveryHandler } from './delivery.handler';
import { DeliveryIndex } from './delivery.index';
import { DeliveryQueues } from './delivery-queues';
import { DeliveryProducer } from './delivery.producer';
import { DeliveryReconciler } from './delivery.reconciler';
import { DeliveryStore } from './delivery.store';
import { DecisionOutboxReconciler } from './decision-outbox.reconciler';
import { FirstAttemptHandler } from './first-attempt.handler';
import { TestEventHandler } from './test-event.handler';
import { WebhookClient } from './webhook.client';

/**
 * Webhook delivery of decisions: every process schedules deliveries (it may decide an approval);
 * WorkerModule adds the processor that sends them and ApiModule the deliveries routes.
 */
@Module({
  imports: [ApprovalsModule],
  providers: [
    DeliveryQueues,
    DeliveryProducer,
    DeliveryStore,
    DeliveryIndex,
    DeliveryHandler,
    FirstAttemptHandler,
    TestEventHandler,
    WebhookClient,
    DeliveriesService,
    DeliveryReconciler,
    DecisionOutboxReconciler,
  ],
  // WebhookClient: CIBA pings travel on the same transport and target rules (ciba/).
  exports: [
    DeliveryQueues,
    DeliveriesService,
    DeliveryIndex,
    DeliveryHandler,
    TestEventHandler,
    DeliveryReconciler,
    DecisionOutboxReconciler,
    WebhookClient,
  ],
})
export class WebhooksModule {}
