import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';
import { createRedisConnection } from '../redis/redis.connection';
import { RedisKeys } from '../redis/redis.keys';

/** What the subscriber hands over: every entry of the event stream, and the news that some may have been missed. */
export interface EventStreamListener {
  onEvent(approvalId: string, seq: number, eventJson: string): void;
  /** Entries were trimmed before this instance read them: every follower must catch up from its approval's log. */
  onGap(): void;
}

/** How long one XREAD blocks; short enough that a dead socket is noticed soon (see commandTimeout). */
const BLOCK_MS = 5000;
/** Entries per XREAD. A full batch means the reader lags, which is when trimming could overtake it. */
const BATCH = 1000;
/** Pause after a failed read, while ioredis reconnects. */
const RETRY_DELAY_MS = 200;

/**
 * The one blocking Redis connection of this instance: it follows `P:events` with XREAD from the last
 * id it has seen, so the number of Redis connections does not grow with SSE clients. Stream entries
 * are written in the same Lua script as the state change, so reading from a concrete id is lossless
 * across reconnects as long as the entries are still there; when they may not be, `onGap` is called.
 */
@Injectable()
export class EventStreamSubscriber implements OnApplicationShutdown {
  private readonly logger = new Logger(EventStreamSubscriber.name);
  /** CLIENT SETNAME of the reader connection: operators (and tests) can find it in CLIENT LIST. */
  readonly connectionName: string;
  private reader?: Redis;
  private lastId = '0-0';
  private running?: Promise<void>;
  private closed = false;
  /** Times the reader resumed after a failed or dropped read. */
  resumes = 0;

  /** The id of the last stream entry read (where the next XREAD starts). */
  get position(): string {
    return this.lastId;
  }

  constructor(
    private readonly config: AppConfig,
    private readonly keys: RedisKeys,
  ) {
    this.connectionName = `${config.redis.prefix}:sse-events:${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9_:.{}-]/g, '_');
  }

  /** Starts reading at the current end of the stream, resolved to a concrete id before any follower exists. */
  async start(listener: EventStreamListener): Promise<void> {
    // Its own connection (a Cluster client under REDIS_CLUSTER_NODES): a blocking XREAD must not hold up other commands.
    this.reader = createRedisConnection(this.config, {
      connectionName: this.connectionName,
      // 0: a read in flight when the connection drops is rejected (not silently re-sent), so the loop
      // can check for a gap before it reads again.
      maxRetriesPerRequest: 0,
      // A half-open socket would leave XREAD waiting forever: give up a while after BLOCK_MS.
      commandTimeout: BLOCK_MS + 10_000,
    });
    this.reader.on('error', (err: Error) => this.logger.warn(`Event stream reader: ${err.message}`));
    const [newest] = await this.reader.xrevrange(this.keys.eventStream(), '+', '-', 'COUNT', 1);
    this.lastId = newest?.[0] ?? '0-0';
    this.running = this.loop(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    // disconnect, not quit: QUIT would wait behind the blocking XREAD.
    this.reader?.disconnect();
    await this.running;
  }

  private async loop(listener: EventStreamListener): Promise<void> {
    const reader = this.reader as Redis;
    const stream = this.keys.eventStream();
    let checkGap = false;
    while (!this.closed) {
      try {
        if (checkGap) {
          const missed = await this.missedEntries(reader, stream);
          if (missed) {
            this.logger.warn(`Event stream entries after ${missed.after} ${missed.why}: followers catch up from the approval logs`);
            listener.onGap();
          }
          checkGap = false;
        }
        const reply = (await reader.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', stream, this.lastId)) as
          [string, [string, string[]][]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        for (const [id, fields] of entries) {
          this.lastId = id;
          const entry = fieldsOf(fields);
          if (entry.a && entry.e) listener.onEvent(entry.a, Number(entry.s), entry.e);
        }
        checkGap = entries.length === BATCH;
      } catch (err) {
        if (this.closed) return;
        this.resumes += 1;
        checkGap = true;
        this.logger.warn(`Event stream read failed (${(err as Error).message}); resuming after ${this.lastId}`);
        if (/timed out/i.test((err as Error).message)) reader.disconnect(true);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  /**
   * Whether entries after lastId may be gone: trimmed (the oldest retained entry is newer than lastId),
   * or lost with the stream's tail on a master promoted after a failover or restarted from an older
   * AOF (its last generated id is behind lastId, or the stream is gone). In the second case the reader
   * also moves back to where the stream now ends, or it would skip every entry the new master writes
   * with an id up to lastId (a master whose clock is behind the old one's).
   */
  private async missedEntries(reader: Redis, stream: string): Promise<{ after: string; why: string } | undefined> {
    const after = this.lastId;
    const lastGenerated = await this.lastGeneratedId(reader, stream);
    if (compareStreamIds(lastGenerated, after) < 0) {
      this.lastId = lastGenerated;
      return { after, why: `were lost with the stream's tail (it now ends at ${lastGenerated})` };
    }
    const [oldest] = await reader.xrange(stream, '-', '+', 'COUNT', 1);
    // Empty: anything written after lastId was trimmed again.
    const firstKept = oldest?.[0] ?? lastGenerated;
    return compareStreamIds(firstKept, after) > 0 ? { after, why: 'were trimmed before being read' } : undefined;
  }

  /** XINFO STREAM's last-generated-id: the id every later entry is above; 0-0 when the stream does not exist. */
  private async lastGeneratedId(reader: Redis, stream: string): Promise<string> {
    try {
      const info = (await reader.xinfo('STREAM', stream)) as unknown[];
      const at = info.indexOf('last-generated-id');
      return at >= 0 ? String(info[at + 1]) : '0-0';
    } catch (err) {
      if (/no such key/i.test((err as Error).message)) return '0-0';
      throw err;
    }
  }
}

/** Orders Redis stream ids (`<ms>-<seq>`) numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  const byMs = BigInt(am) - BigInt(bm);
  if (byMs !== 0n) return byMs > 0n ? 1 : -1;
  const bySeq = BigInt(as) - BigInt(bs);
  return bySeq === 0n ? 0 : bySeq > 0n ? 1 : -1;
}

function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}
