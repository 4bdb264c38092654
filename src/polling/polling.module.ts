import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { RecognizeModule } from '../recognize/recognize.module';
import { AuthenticationDetailsService } from './authentication-details.service';
import { PollTickService } from './poll-tick.service';
import { PollHandler } from './poll.handler';
import { POLL_QUEUE } from './poll.job';
import { PollReconciler } from './poll.reconciler';
import { PollsStore } from './polls.store';

/**
 * Polling Recognize for decisions. Only worker processes poll, so only WorkerModule imports this,
 * and provides the processor; an API process writes the due set through approval creation alone.
 */
@Module({
  imports: [BullModule.registerQueue({ name: POLL_QUEUE }), RecognizeModule, ApprovalsModule],
  providers: [PollsStore, PollHandler, PollTickService, PollReconciler, AuthenticationDetailsService],
  exports: [PollTickService, PollReconciler],
})
export class PollingModule {}
