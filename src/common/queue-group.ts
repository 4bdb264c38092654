import type { Queue, Worker } from 'bullmq';

/** Marks a provider that owns several BullMQ queues and workers (redis/sharded-queue.ts). */
export const QUEUE_GROUP = Symbol('QueueGroup');

/**
 * Queues and workers a provider creates itself rather than through BullModule, one per shard: the
 * metrics, health, dashboard and shutdown find them through this mark as they find registered ones.
 */
export interface QueueGroup {
  readonly [QUEUE_GROUP]: true;
  readonly queues: readonly Queue[];
  readonly workers: readonly Worker[];
  /** Puts `fresh` in the place of `stale`, one of `workers`; false when `stale` is not one of them. */
  replaceWorker(stale: Worker, fresh: Worker): boolean;
}

export function isQueueGroup(value: unknown): value is QueueGroup {
  return typeof value === 'object' && value !== null && (value as Partial<QueueGroup>)[QUEUE_GROUP] === true;
}
