import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { AppConfig } from '../config/app.config';
import { PingHandler } from './ping.handler';
import { CIBA_PING_QUEUE, PingJobData } from './ping.job';

/**
 * Sends CIBA pings: one attempt per run, then the job waits in the delayed set for the next one, as
 * webhook deliveries do. Provided by WorkerModule only.
 */
@Processor(CIBA_PING_QUEUE, { autorun: false })
export class PingProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly handler: PingHandler,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhooks.concurrency;
    this.worker.run().catch((err: Error) => this.worker.emit('error', err));
  }

  async process(job: Job<PingJobData>, token?: string): Promise<string> {
    const result = await this.handler.handle(job.data);
    if (result.kind === 'done') return result.state;
    // Save the attempt count first: a crash between the two calls must not reset the backoff.
    await job.updateData(result.data);
    await job.moveToDelayed(result.atMs, token);
    throw new DelayedError();
  }
}
