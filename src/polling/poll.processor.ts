import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { PollHandler } from './poll.handler';
import { POLL_QUEUE, PollJobData } from './poll.job';

/**
 * Runs one poll, then parks the job in the delayed set until the next one: a waiting approval
 * holds no worker slot, so thousands of them need no more than `concurrency` workers.
 * Concurrency and lock timing are set from config in PollingModule, which then starts the worker
 * (a decorator cannot read config, hence autorun: false).
 */
@Processor(POLL_QUEUE, { autorun: false })
export class PollProcessor extends WorkerHost {
  constructor(private readonly handler: PollHandler, private readonly metrics: MetricsService) {
    super();
  }

  async process(job: Job<PollJobData>, token?: string): Promise<string> {
    const result = await this.handler.handle(job.data);
    this.metrics.pollFinished(result.kind === 'done' ? result.status : result.data.failures ? 'retry_after_error' : 'still_pending');
    if (result.kind === 'done') return result.status;
    // Save the backoff state first: a crash between the two calls must not lose it. Most polls find
    // the approval still pending with nothing to save, and skip the extra Redis round trip.
    if ((job.data.failures ?? 0) !== (result.data.failures ?? 0)) await job.updateData(result.data);
    await job.moveToDelayed(result.atMs, token);
    throw new DelayedError();
  }
}
