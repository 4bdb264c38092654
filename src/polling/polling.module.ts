import { BullModule } from '@nestjs/bullmq';
import { Module, OnApplicationBootstrap, forwardRef } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { AppConfig } from '../config/app.config';
import { RecognizeModule } from '../recognize/recognize.module';
import { PollHandler } from './poll.handler';
import { POLL_QUEUE } from './poll.job';
import { PollProcessor } from './poll.processor';
import { PollProducer } from './poll.producer';
import { PollReconciler } from './poll.reconciler';
import { TelemetryService } from './telemetry.service';

/** Crashes a poll job may live through before BullMQ fails it; the reconciler revives failed ones anyway. */
const MAX_STALLED_COUNT = 20;

@Module({
  imports: [BullModule.registerQueue({ name: POLL_QUEUE }), RecognizeModule, forwardRef(() => ApprovalsModule)],
  providers: [PollProducer, PollHandler, PollProcessor, PollReconciler, TelemetryService],
  exports: [PollProducer, BullModule],
})
export class PollingModule implements OnApplicationBootstrap {
  constructor(private readonly processor: PollProcessor, private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    const worker = this.processor.worker;
    worker.concurrency = this.config.polling.concurrency;
    // A poll job whose process died holds its lock until lockDuration; the stalled check (every
    // stalledInterval) then puts it back to wait. A poll is an idempotent GET, so a job that stalls
    // again after a second crash must come back too: BullMQ's default of 1 would fail it for good.
    Object.assign(worker.opts, {
      lockDuration: this.config.polling.lockMs,
      lockRenewTime: this.config.polling.lockMs / 2,
      stalledInterval: this.config.polling.lockMs,
      maxStalledCount: MAX_STALLED_COUNT,
    });
    // The lock manager copied the options when the worker was built; rebuild it before the first job.
    (worker as unknown as { createLockManager(): void }).createLockManager();
    // ROLE=api: the queue is used to schedule polls, but this process runs none.
    if (this.config.operations.runsWorkers) worker.run().catch((err: Error) => worker.emit('error', err));
  }
}
