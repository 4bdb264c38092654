import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { RedisKeys } from '../redis/redis.keys';
import { ShardedQueue } from '../redis/sharded-queue';
import { DELIVERY_QUEUE, DeliveryJobData, TestEventJobData } from './delivery.job';

/**
 * The delivery queue of every shard (redis/sharded-queue.ts): one job per terminal event, in the
 * queue of its approval's shard. A `webhook.test` event belongs to no approval: it goes to the queue
 * of the shard its client id falls in.
 */
@Injectable()
export class DeliveryQueues extends ShardedQueue<DeliveryJobData | TestEventJobData> implements OnApplicationShutdown {
  constructor(keys: RedisKeys, config: AppConfig) {
    super(DELIVERY_QUEUE, keys, config);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
