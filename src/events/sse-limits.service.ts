import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { HeldRequest, HeldRequestsService } from './held-requests.service';
import { TooManyRequestsError } from '../common/app.errors';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { RedisScript, defineScript } from '../redis/redis-script';

/** How long a stream counts without a refresh: a crashed instance's streams are forgotten after it. */
const LEASE_MS = 90_000;
/** Leases are refreshed well before they end, so one slow or failed refresh loses nothing. */
const REFRESH_MS = 30_000;
/** A cap frees up when a stream ends, which we cannot predict; browsers come back after this. */
const RETRY_AFTER_S = 10;

/** What an admitted stream holds until it ends. */
export interface StreamLease {
  release(): void;
}

interface Held {
  id: string;
  clientKey: string;
  approvalKey?: string;
  /** The stream's place among its client's held requests in this process. */
  slot: HeldRequest;
}

/**
 * Caps on open SSE streams: per approval for eventsUrl-token streams (a token is a bearer credential
 * that may leak, and many browsers behind one proxy are many users, so the count is never per
 * address), per client for all its streams, and per process. The first two are counted in Redis,
 * across instances, as ZSETs of stream ids scored by a lease that this instance refreshes. A stream
 * is also one of its client's held requests in this process (HeldRequestsService, shared with
 * long-polls): a token stream counts against the approval's client.
 */
@Injectable()
export class SseLimits implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SseLimits.name);
  private readonly held = new Set<Held>();
  private readonly admitStream: RedisScript<[number, number, string, number, number], number>;
  private refresher?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
    private readonly heldRequests: HeldRequestsService,
  ) {
    this.admitStream = defineScript(redis, __dirname, 'admit-stream-2.lua');
  }

  onModuleInit(): void {
    this.refresher = setInterval(() => void this.refresh(), REFRESH_MS);
    this.refresher.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.refresher);
  }

  /** Streams this process holds. */
  get open(): number {
    return this.held.size;
  }

  /**
   * Counts one stream of `clientId` (and, for a token stream, of `approvalId`), or throws a 429
   * naming the cap. The lease must be released when the stream ends.
   */
  async admit(clientId: string, approvalId: string, byToken: boolean): Promise<StreamLease> {
    const limits = this.config.sse;
    if (this.held.size >= limits.maxStreamsPerProcess) {
      throw new TooManyRequestsError(
        `Too many open event streams on this instance (at most ${limits.maxStreamsPerProcess})`,
        RETRY_AFTER_S,
      );
    }
    const held: Held = {
      id: randomUUID(),
      clientKey: this.keys.sseStreams(clientId, 'client', clientId),
      approvalKey: byToken ? this.keys.sseStreams(clientId, 'approval', approvalId) : undefined,
      slot: this.heldRequests.hold(clientId),
    };
    // Reserved locally first, so concurrent admissions in this process cannot overshoot its cap.
    this.held.add(held);
    const now = Date.now();
    let verdict: number;
    try {
      verdict = await this.admitStream(
        [held.clientKey, held.approvalKey ?? this.keys.sseStreams(clientId, 'approval', approvalId)],
        now,
        now + LEASE_MS,
        held.id,
        limits.maxStreamsPerClient,
        byToken ? limits.maxStreamsPerApproval : 0,
      );
    } catch (err) {
      this.held.delete(held);
      held.slot.release();
      throw err;
    }
    if (verdict !== 0) {
      this.held.delete(held);
      held.slot.release();
      if (verdict === 1) {
        throw new TooManyRequestsError(
          `At most ${limits.maxStreamsPerApproval} event streams may be open with this approval's eventsUrl`,
          RETRY_AFTER_S,
        );
      }
      throw new TooManyRequestsError(`At most ${limits.maxStreamsPerClient} event streams may be open for this client`, RETRY_AFTER_S);
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.held.delete(held);
        held.slot.release();
        void this.forget(held);
      },
    };
  }

  private async forget(held: Held): Promise<void> {
    try {
      const pipeline = this.redis.pipeline().zrem(held.clientKey, held.id);
      if (held.approvalKey) pipeline.zrem(held.approvalKey, held.id);
      await pipeline.exec();
    } catch (err) {
      // Its lease ends on its own.
      this.logger.warn(`Could not release an event stream's slot (${(err as Error).message}); it lapses with its lease`);
    }
  }

  /** One batch of writes for every stream of this process: each lease moves forward. */
  private async refresh(): Promise<void> {
    if (!this.held.size) return;
    const leaseEnd = Date.now() + LEASE_MS;
    // One command per key (clients' keys sit in their own slots on a cluster), sent together by auto-pipelining.
    const writes: Promise<unknown>[] = [];
    for (const held of this.held) {
      for (const key of [held.clientKey, held.approvalKey]) {
        if (!key) continue;
        writes.push(this.redis.zadd(key, 'XX', leaseEnd, held.id), this.redis.pexpire(key, LEASE_MS));
      }
    }
    try {
      await Promise.all(writes);
    } catch (err) {
      this.logger.warn(`Could not refresh event stream leases (${(err as Error).message})`);
    }
  }
}
