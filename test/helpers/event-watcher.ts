import Redis from 'ioredis';
import { RedisKeys } from '../../src/redis/redis.keys';
import { testRedisClient } from './test-redis';

export interface WatchedEvent {
  approvalId: string;
  seq: number;
  event: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

/**
 * Awaits approval events as the service writes them to its Redis event streams (one per shard), so
 * that tests wait for the event itself rather than sleeping or polling the API.
 */
export class EventWatcher {
  private readonly readers: Redis[] = [];
  private readonly seen: WatchedEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private closed = false;

  /**
   * Reads `streams` from `open()`'s connections: one XREAD for all of them, or one blocking reader per
   * stream when `readerPerStream` (on a cluster an XREAD may not name keys of two slots).
   */
  constructor(open: string | (() => Redis), streams: string | readonly string[], readerPerStream = false) {
    const connect = typeof open === 'string' ? () => new Redis(open, { maxRetriesPerRequest: null }) : open;
    const all = typeof streams === 'string' ? [streams] : [...streams];
    for (const group of readerPerStream ? all.map((stream) => [stream]) : [all]) {
      const reader = connect();
      this.readers.push(reader);
      void this.loop(reader, group);
    }
  }

  /** Every shard's stream of the app whose keys these are, on the Redis of the test mode (test-redis.ts). */
  static of(keys: RedisKeys): EventWatcher {
    return new EventWatcher(
      () => testRedisClient({ maxRetriesPerRequest: null }),
      keys.shards.all.map((shard) => keys.eventStream(shard)),
      keys.shards.clustered,
    );
  }

  all(approvalId: string): WatchedEvent[] {
    return this.seen.filter((e) => e.approvalId === approvalId);
  }

  /** Resolves with the first event of `approvalId` whose type is `type` (or any terminal one for 'terminal'). */
  async waitFor(approvalId: string, type: string, timeoutMs = 20_000): Promise<WatchedEvent> {
    const matches = (e: WatchedEvent) =>
      e.approvalId === approvalId && (type === 'terminal' ? e.event.type !== 'approval.pending' : e.event.type === type);
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.seen.find(matches);
        if (!found) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `no ${type} event for ${approvalId} within ${timeoutMs} ms; saw ${JSON.stringify(this.all(approvalId).map((e) => e.event.type))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.closed = true;
    for (const reader of this.readers) reader.disconnect();
  }

  private async loop(reader: Redis, streams: string[]): Promise<void> {
    const last = new Map(streams.map((stream) => [stream, '0']));
    while (!this.closed) {
      try {
        const reply = (await reader.xread('BLOCK', 1000, 'STREAMS', ...streams, ...streams.map((s) => last.get(s)!))) as
          [string, [string, string[]][]][] | null;
        for (const [stream, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            last.set(stream, id);
            const f = Object.fromEntries(
              fields.reduce<[string, string][]>((acc, v, i) => (i % 2 ? acc : [...acc, [v, fields[i + 1]]]), []),
            );
            this.seen.push({ approvalId: f.a, seq: Number(f.s), event: JSON.parse(f.e) });
          }
        }
        this.waiters.forEach((w) => w());
      } catch {
        if (this.closed) return;
      }
    }
  }
}
