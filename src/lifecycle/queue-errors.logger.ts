import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { workerOf } from '../metrics/queues.service';

/**
 * BullMQ queues and workers report connection trouble and lost jobs as `error` events. With no
 * listener, BullMQ prints them to stderr as multi-line stack dumps, outside the structured log;
 * here each becomes one warning line naming the queue. An outage is already logged by the Redis
 * client; these lines say which queue felt it.
 */
@Injectable()
export class QueueErrorsLogger implements OnApplicationBootstrap {
  private readonly logger = new Logger('Queues');

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    // Every instance, not one per name: a queue registered by two modules is two connections.
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof Queue) instance.on('error', this.warn(`queue ${instance.name}`));
      if (instance instanceof WorkerHost) {
        const worker = workerOf(instance);
        worker?.on('error', this.warn(`worker ${worker.name}`));
      }
    }
  }

  private warn(what: string): (err: Error) => void {
    return (err) => this.logger.warn(`${what}: ${err.message}`);
  }
}
