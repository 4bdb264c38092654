import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { AppConfig } from '../config/app.config';
import { DeliveryHandler } from './delivery.handler';
import { DELIVERY_QUEUE, DeliveryJobData, TEST_EVENT_JOB, TestEventJobData } from './delivery.job';
import { TestEventHandler } from './test-event.handler';

/**
 * Makes one attempt, then parks the job in the delayed set until the next one: a delivery waiting
 * for its retry holds no worker slot. Its own queue and workers, so a slow or dead receiver never
 * delays a poll. Provided by WorkerModule only; started at bootstrap with the configured
 * concurrency (a decorator cannot read config, hence autorun: false).
 */
@Processor(DELIVERY_QUEUE, { autorun: false })
export class DeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly handler: DeliveryHandler,
    private readonly tests: TestEventHandler,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhooks.concurrency;
    this.worker.run().catch((err: Error) => this.worker.emit('error', err));
  }

  async process(job: Job<DeliveryJobData | TestEventJobData>, token?: string): Promise<string> {
    const result =
      job.name === TEST_EVENT_JOB
        ? await this.tests.handle(job.data as TestEventJobData)
        : await this.handler.handle(job.data as DeliveryJobData);
    if (result.kind === 'done') return result.state;
    if (result.kind === 'busy') {
      // Not its turn (its client's slots are taken, another sender holds its lease, or its next attempt is
      // ahead): step aside for other deliveries, attempt count untouched.
      await job.moveToDelayed(result.atMs, token);
      throw new DelayedError();
    }
    // Save the round's attempt count first: a crash between the two calls must not reset the backoff.
    await job.updateData(result.data);
    await job.moveToDelayed(result.atMs, token);
    throw new DelayedError();
  }
}
