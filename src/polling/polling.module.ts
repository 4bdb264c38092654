import { BullModule } from '@nestjs/bullmq';
import { Module, OnApplicationBootstrap, forwardRef } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { AppConfig } from '../config/app.config';
import { RecognizeModule } from '../recognize/recognize.module';
import { PollTickService } from './poll-tick.service';
import { PollHandler } from './poll.handler';
import { POLL_QUEUE } from './poll.job';
import { PollProcessor } from './poll.processor';
import { PollProducer } from './poll.producer';
import { PollReconciler } from './poll.reconciler';
import { PollsStore } from './polls.store';
import { TelemetryService } from './telemetry.service';

/**
 * Ticks one worker runs at once. Ticks overlap only when one outlasts the tick period (a backlog,
 * a slow upstream); the polls themselves are bounded by POLL_CONCURRENCY across all ticks.
 */
const TICK_CONCURRENCY = 4;

@Module({
  imports: [BullModule.registerQueue({ name: POLL_QUEUE }), RecognizeModule, forwardRef(() => ApprovalsModule)],
  providers: [PollProducer, PollsStore, PollHandler, PollTickService, PollProcessor, PollReconciler, TelemetryService],
  exports: [PollProducer, BullModule],
})
export class PollingModule implements OnApplicationBootstrap {
  constructor(private readonly processor: PollProcessor, private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    // ROLE=api: the due set is written when approvals are created, but this process polls none.
    if (!this.config.runtime.runsWorkers) return;
    const worker = this.processor.worker;
    worker.concurrency = TICK_CONCURRENCY;
    worker.run().catch((err: Error) => worker.emit('error', err));
  }
}
