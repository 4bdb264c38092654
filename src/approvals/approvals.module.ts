import { Module, forwardRef } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { PollingModule } from '../polling/polling.module';
import { RecognizeModule } from '../recognize/recognize.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ApprovalCreationService } from './approval-creation.service';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsService } from './approvals.service';
import { ApprovalsStore } from './approvals.store';
import { OutcomeReconciler } from './outcome.reconciler';

@Module({
  imports: [RecognizeModule, forwardRef(() => PollingModule), forwardRef(() => WebhooksModule), EventsModule],
  controllers: [ApprovalsController],
  providers: [ApprovalsStore, ApprovalsService, ApprovalCreationService, OutcomeReconciler],
  exports: [ApprovalsStore, ApprovalsService],
})
export class ApprovalsModule {}
