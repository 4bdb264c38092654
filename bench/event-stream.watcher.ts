import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';

/**
 * Follows the service's own event stream (P:events) and records when the terminal event of each
 * approval was written: the moment polling noticed a decision, before any delivery. It separates
 * detection latency from webhook and SSE delivery latency.
 */
export class EventStreamWatcher {
  readonly arrivals = new Map<string, number>();
  private readonly redis: Redis;
  private running = true;
  private loop?: Promise<void>;

  constructor(
    redisUrl: string,
    private readonly stream: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  }

  start(): void {
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.redis.disconnect();
    await this.loop?.catch(() => undefined);
  }

  private async follow(): Promise<void> {
    let last = '$';
    while (this.running) {
      const batch = await this.redis.xread('COUNT', 1000, 'BLOCK', 500, 'STREAMS', this.stream, last).catch(() => null);
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
