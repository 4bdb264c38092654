import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { AppConfig } from '../config/app.config';
import { DeliveryHandler } from './delivery.handler';
import { DeliveryQueues } from './delivery-queues';
import { DeliveryJobData, TEST_EVENT_JOB, TestEventJobData } from './delivery.job';
import { TestEventHandler } from './test-event.handler';

/**
 * Makes one attempt, then parks the job in the delayed set until the next one: a delivery waiting
 * for its retry holds no worker slot. Its own queue and workers, so a slow or dead receiver never
 * delays a poll. Provided by WorkerModule only; started at bootstrap, one worker per shard's queue,
 * each with the configured concurrency.
 */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly queues: DeliveryQueues,
    private readonly handler: DeliveryHandler,
    private readonly tests: TestEventHandler,
    config: AppConfig,
  ) {
    queues.createWorkers((job, token) => this.process(job, token), config.webhooks.concurrency);
  }

  onApplicationBootstrap(): void {
    this.queues.runWorkers();
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
