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
 * Follows every shard's event stream (`S:events`) with XREAD from the last id it has seen of each, on
 * blocking connections of its own, so the number of Redis connections does not grow with SSE clients:
 * one for all shards on one Redis (one XREAD names every stream), one per shard on a cluster (an XREAD
 * may not name keys of two slots). Stream entries are written in the same Lua script as the state
 * change, so reading from a concrete id is lossless across reconnects as long as the entries are
 * still there; when they may not be, `onGap` is called.
 */
@Injectable()
export class EventStreamSubscriber implements OnApplicationShutdown {
  private readonly logger = new Logger(EventStreamSubscriber.name);
  /** CLIENT SETNAME of the reader connections: operators (and tests) can find them in CLIENT LIST. */
  readonly connectionName: string;
  private readers: Redis[] = [];
  /** Last entry id read, by stream key. */
  private readonly lastIds = new Map<string, string>();
  private running: Promise<void>[] = [];
  private closed = false;
  /** Times a reader resumed after a failed or dropped read. */
  resumes = 0;

  /** The id of the last entry read from one shard's stream (where its next XREAD starts). */
  positionOf(shard: number): string {
    return this.lastIds.get(this.keys.eventStream(shard)) ?? '0-0';
  }

  constructor(
    private readonly config: AppConfig,
    private readonly keys: RedisKeys,
  ) {
    this.connectionName = `${config.redis.prefix}:sse-events:${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9_:.{}-]/g, '_');
  }

  /** Starts reading at the current end of every stream, resolved to concrete ids before any follower exists. */
  async start(listener: EventStreamListener): Promise<void> {
    const streams = this.keys.shards.all.map((shard) => this.keys.eventStream(shard));
    const groups = this.keys.shards.clustered ? streams.map((stream) => [stream]) : [streams];
    for (const group of groups) {
      const reader = this.openReader();
      this.readers.push(reader);
      for (const stream of group) {
        const [newest] = await reader.xrevrange(stream, '+', '-', 'COUNT', 1);
        this.lastIds.set(stream, newest?.[0] ?? '0-0');
      }
    }
    this.running = groups.map((group, i) => this.loop(this.readers[i], group, listener));
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    // disconnect, not quit: QUIT would wait behind the blocking XREAD.
    for (const reader of this.readers) reader.disconnect();
    await Promise.all(this.running);
  }

  /** Its own connection (a Cluster client under REDIS_CLUSTER_NODES): a blocking XREAD must not hold up other commands. */
  private openReader(): Redis {
    const reader = createRedisConnection(this.config, {
      connectionName: this.connectionName,
      // 0: a read in flight when the connection drops is rejected (not silently re-sent), so the loop
      // can check for a gap before it reads again.
      maxRetriesPerRequest: 0,
      // A half-open socket would leave XREAD waiting forever: give up a while after BLOCK_MS.
      commandTimeout: BLOCK_MS + 10_000,
    });
    reader.on('error', (err: Error) => this.logger.warn(`Event stream reader: ${err.message}`));
    return reader;
  }

  private async loop(reader: Redis, streams: string[], listener: EventStreamListener): Promise<void> {
    let checkGap = false;
    while (!this.closed) {
      try {
        if (checkGap) {
          for (const stream of streams) {
            const missed = await this.missedEntries(reader, stream);
            if (missed) {
              this.logger.warn(`Event stream entries after ${missed.after} ${missed.why}: followers catch up from the approval logs`);
              listener.onGap();
            }
          }
          checkGap = false;
        }
        const reply = (await reader.xread(
          'COUNT',
          BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...streams,
          ...streams.map((stream) => this.lastIds.get(stream) as string),
        )) as [string, [string, string[]][]][] | null;
        for (const [stream, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.lastIds.set(stream, id);
            const entry = fieldsOf(fields);
            if (entry.a && entry.e) listener.onEvent(entry.a, Number(entry.s), entry.e);
          }
          if (entries.length === BATCH) checkGap = true;
        }
      } catch (err) {
        if (this.closed) return;
        this.resumes += 1;
        checkGap = true;
        this.logger.warn(`Event stream read failed (${(err as Error).message}); resuming after the last entries read`);
        if (/timed out/i.test((err as Error).message)) reader.disconnect(true);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  /**
   * Whether entries of `stream` after the last one read may be gone: trimmed (the oldest retained entry
   * is newer), or lost with the stream's tail on a master promoted after a failover or restarted from
   * an older AOF (its last generated id is behind, or the stream is gone). In the second case the
   * reader also moves back to where the stream now ends, or it would skip every entry the new master
   * writes with an id up to the old position (a master whose clock is behind the old one's).
   */
  private async missedEntries(reader: Redis, stream: string): Promise<{ after: string; why: string } | undefined> {
    const after = this.lastIds.get(stream) as string;
    const lastGenerated = await this.lastGeneratedId(reader, stream);
    if (compareStreamIds(lastGenerated, after) < 0) {
      this.lastIds.set(stream, lastGenerated);
      return { after, why: `were lost with the stream's tail (it now ends at ${lastGenerated})` };
    }
    const [oldest] = await reader.xrange(stream, '-', '+', 'COUNT', 1);
    // Empty: anything written after the position was trimmed again.
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
