import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ApprovalsModule } from './approvals/approvals.module';
import { CibaModule } from './ciba/ciba.module';
import { PingProcessor } from './ciba/ping.processor';
import { ApprovalIndexReconciler } from './approvals/approval-index.reconciler';
import { MAINTENANCE_QUEUE } from './maintenance/maintenance.job';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { PollProcessor } from './polling/poll.processor';
import { PollingModule } from './polling/polling.module';
import { DeliveryProcessor } from './webhooks/delivery.processor';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * What a process that runs jobs adds (ROLE=worker or all): the processor of every queue. Only a
 * process composed with this module starts BullMQ workers, polls or sends webhooks.
 */
@Module({
  imports: [ApprovalsModule, PollingModule, WebhooksModule, CibaModule, BullModule.registerQueue({ name: MAINTENANCE_QUEUE })],
  providers: [PollProcessor, DeliveryProcessor, PingProcessor, MaintenanceProcessor, ApprovalIndexReconciler],
})
export class WorkerModule {}
