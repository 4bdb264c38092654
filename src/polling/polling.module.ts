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

@Module({
  imports: [BullModule.registerQueue({ name: POLL_QUEUE }), RecognizeModule, forwardRef(() => ApprovalsModule)],
  providers: [PollProducer, PollHandler, PollProcessor, PollReconciler, TelemetryService],
  exports: [PollProducer, BullModule],
})
export class PollingModule implements OnApplicationBootstrap {
  constructor(private readonly processor: PollProcessor, private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    this.processor.worker.concurrency = this.config.polling.concurrency;
  }
}
