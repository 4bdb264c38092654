import { Job, Processor, Queue, Worker } from 'bullmq';
import { QUEUE_GROUP, QueueGroup } from '../common/queue-group';
import { AppConfig } from '../config/app.config';
import { bullConnection } from './redis.connection';
import { RedisKeys } from './redis.keys';

/**
 * One BullMQ queue per shard, under the shard's hash tag (`{P:<tag>}:<name>:…`), for jobs that follow
 * an approval: each shard's jobs sit in its own slot, so no queue every approval touches is one
 * master's load. A job goes to the queue of its approval's shard, always the same one, so the job id
 * still dedupes it. On one Redis with one shard this is the one queue `P:<name>` the service always had.
 *
 * Workers, when started, serve every shard's queue: the lease-based claims of the handlers already
 * fence two workers off one delivery, whichever queue brings it.
 */
export class ShardedQueue<T = unknown> implements QueueGroup {
  readonly [QUEUE_GROUP] = true as const;
  /** Shard k's queue at index k. */
  readonly queues: Queue<T>[];
  private started: Worker<T>[] = [];

  constructor(
    readonly name: string,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {
    this.queues = keys.shards.all.map(
      (shard) => new Queue<T>(name, { connection: bullConnection(config), prefix: keys.shards.prefixOf(shard) }),
    );
  }

  /** The queue of an approval's shard. */
  of(approvalId: string): Queue<T> {
    return this.queues[this.keys.shardOf(approvalId)];
  }

  /** Workers of this process, one per shard (none unless started). */
  get workers(): readonly Worker<T>[] {
    return this.started;
  }

  /**
   * Creates one worker per shard, each to run `process` with `concurrency` jobs at a time, not yet
   * running: created with the providers, so that everything that follows every worker at bootstrap
   * (error logging, health, shutdown) sees them; `runWorkers` starts them.
   */
  createWorkers(process: (job: Job<T>, token?: string) => Promise<unknown>, concurrency: number): void {
    const processor: Processor<T> = (job, token) => process(job, token);
    this.started = this.keys.shards.all.map(
      (shard) =>
        new Worker<T>(this.name, processor, {
          connection: bullConnection(this.config),
          prefix: this.keys.shards.prefixOf(shard),
          concurrency,
          autorun: false,
        }),
    );
  }

  runWorkers(): void {
    for (const worker of this.started) worker.run().catch((err: Error) => worker.emit('error', err));
  }

  replaceWorker(stale: Worker, fresh: Worker): boolean {
    const at = this.started.indexOf(stale as Worker<T>);
    if (at < 0) return false;
    this.started[at] = fresh as Worker<T>;
    return true;
  }

  /** Closes the workers (their jobs finish first) and then the queues' connections. */
  async close(): Promise<void> {
    await Promise.all(this.started.map((w) => w.close()));
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
