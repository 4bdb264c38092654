import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { DeliveryHandler } from './delivery.handler';
import { DELIVERY_QUEUE, DeliveryJobData } from './delivery.job';

/**
 * Makes one attempt, then parks the job in the delayed set until the next one: a delivery waiting
 * for its retry holds no worker slot. Its own queue and workers, so a slow or dead receiver never
 * delays a poll. Concurrency (and whether this process runs the worker at all) is set from config in WebhooksModule.
 */
@Processor(DELIVERY_QUEUE, { autorun: false })
export class DeliveryProcessor extends WorkerHost {
  constructor(private readonly handler: DeliveryHandler) {
    super();
  }

  async process(job: Job<DeliveryJobData>, token?: string): Promise<string> {
    const result = await this.handler.handle(job.data);
    if (result.kind === 'done') return result.state;
    // Save the round's attempt count first: a crash between the two calls must not reset the backoff.
    await job.updateData(result.data);
    await job.moveToDelayed(result.atMs, token);
    throw new DelayedError();
  }
}
