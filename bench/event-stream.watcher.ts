import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';

/** One event stream of the service and the Redis (a cluster's master, on a cluster) that holds it. */
export interface WatchedStream {
  redisUrl: string;
  key: string;
}

/**
 * Follows the service's own event streams (one per shard: P:events on one Redis) and records when
 * the terminal event of each approval was written: the moment polling noticed a decision, before any
 * delivery. It separates detection latency from webhook and SSE delivery latency.
 *
 * Each stream is read by a blocking XREAD on a connection of its own: a cluster refuses an XREAD
 * naming streams of different slots, and blocking reads sharing a connection would wait on each other.
 */
export class EventStreamWatcher {
  readonly arrivals = new Map<string, number>();
  private readonly followers: { redis: Redis; key: string }[];
  private running = true;
  private loops: Promise<void>[] = [];

  constructor(streams: WatchedStream[]) {
    this.followers = streams.map((s) => ({ redis: new Redis(s.redisUrl, { maxRetriesPerRequest: null }), key: s.key }));
  }

  start(): void {
    this.loops = this.followers.map((f) => this.follow(f.redis, f.key));
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const f of this.followers) f.redis.disconnect();
    await Promise.all(this.loops.map((l) => l.catch(() => undefined)));
  }

  private async follow(redis: Redis, stream: string): Promise<void> {
    let last = '$';
    while (this.running) {
      const batch = await redis.xread('COUNT', 1000, 'BLOCK', 500, 'STREAMS', stream, last).catch(() => null);
      if (!batch) continue;
      const at = performance.now();
      for (const [, entries] of batch) {
        for (const [entryId, fields] of entries) {
          last = entryId;
          const field = (name: string) => fields[fields.indexOf(name) + 1];
          const type = (JSON.parse(field('e')) as { type: string }).type;
          const id = field('a');
          if (type !== 'approval.pending' && !this.arrivals.has(id)) this.arrivals.set(id, at);
        }
      }
    }
  }
}
