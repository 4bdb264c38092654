import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { QueuesService } from '../metrics/queues.service';

/**
 * BullMQ queues and workers report connection trouble and lost jobs as `error` events. With no
 * listener, BullMQ prints them to stderr as multi-line stack dumps, outside the structured log;
 * here each becomes one warning line naming the queue. An outage is already logged by the Redis
 * client; these lines say which queue felt it.
 */
@Injectable()
export class QueueErrorsLogger implements OnApplicationBootstrap {
  private readonly logger = new Logger('Queues');

  constructor(private readonly queues: QueuesService) {}

  onApplicationBootstrap(): void {
    for (const queue of this.queues.queueInstances()) queue.on('error', this.warn(`queue ${queue.name}`));
    for (const worker of this.queues.workers()) worker.on('error', this.warn(`worker ${worker.name}`));
  }

  private warn(what: string): (err: Error) => void {
    return (err) => this.logger.warn(`${what}: ${err.message}`);
  }
}
