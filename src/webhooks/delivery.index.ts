import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { Delivery } from '../approvals/delivery';
import { RedisKeys } from '../redis/redis.keys';
import { REDIS } from '../redis/redis.module';
import { parseMember } from './delivery.store';

export type IndexedState = 'dead' | 'pending';

/** One delivery as GET /v1/deliveries lists it: where it belongs, and since when it is in its state. */
export interface ListedDelivery extends Delivery {
  approvalId: string;
  /** When it took its state (died, or became pending). */
  since: string;
}

export interface DeliveryPage {
  deliveries: ListedDelivery[];
  /** Opaque: pass it back as `cursor` for the next page; absent on the last one. */
  nextCursor?: string;
}

/** Entries read per round trip beyond the page, to step over those of expired approvals and ties at the cursor. */
const SLACK = 20;

/**
 * Reads each client's index of dead and pending deliveries (kept by the delivery scripts, see
 * DeliveryStore, one slice per shard), oldest first. The cursor is the last entry's (score, member): stable while
 * deliveries come and go, unlike an offset. An entry whose approval has expired is dropped here,
 * which is how the index forgets them.
 */
@Injectable()
export class DeliveryIndex {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * One page across the shards: each shard's slice gives its first `limit` entries after the cursor,
   * which hold the first `limit` of the merged order, (score, member) ascending, whatever the shards.
   */
  async page(clientId: string, state: IndexedState, sinceMs: number, limit: number, cursor?: string): Promise<DeliveryPage> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const slices = await Promise.all(
      this.keys.shards.all.map((shard) => this.slicePage(this.keys.clientDeliveries(clientId, state, shard), state, sinceMs, limit, after)),
    );
    const merged = slices.flatMap((s) => s.deliveries).sort(byPosition);
    const deliveries = merged.slice(0, limit);
    const more = merged.length > limit || slices.some((s) => s.more);
    return more && deliveries.length ? { deliveries, nextCursor: encodeCursor(deliveries[deliveries.length - 1]) } : { deliveries };
  }

  /** Up to `limit` entries of one shard's slice after `after`, and whether the slice holds more. */
  private async slicePage(
    key: string,
    state: IndexedState,
    sinceMs: number,
    limit: number,
    after: { score: number; member: string } | undefined,
  ): Promise<{ deliveries: ListedDelivery[]; more: boolean }> {
    const deliveries: ListedDelivery[] = [];
    const fromMs = Math.max(sinceMs, after?.score ?? -Infinity);
    let offset = 0;
    for (;;) {
      const raw = await this.redis.zrangebyscore(key, fromMs, '+inf', 'WITHSCORES', 'LIMIT', offset, limit + SLACK);
      const entries = pairs(raw).filter((e) => !after || e.score > after.score || e.member > after.member);
      const { found, forgotten } = await this.load(key, entries, state);
      for (const d of found) {
        if (deliveries.length === limit) return { deliveries, more: true };
        deliveries.push(d);
      }
      if (raw.length / 2 < limit + SLACK) return { deliveries, more: false };
      // Forgotten entries left the set: the next read starts that much earlier.
      offset += raw.length / 2 - forgotten;
    }
  }

  /** Every entry of one client's index since `sinceMs` (recovery walks them all; one client's dead set is bounded by retention). */
  async refs(clientId: string, state: IndexedState, sinceMs: number): Promise<{ approvalId: string; eventId: string }[]> {
    const slices = await Promise.all(
      this.keys.shards.all.map((shard) => this.redis.zrangebyscore(this.keys.clientDeliveries(clientId, state, shard), sinceMs, '+inf')),
    );
    return slices.flat().map(parseMember);
  }

  /** The deliveries behind index entries still in that state; forgets entries whose approval is gone. */
  private async load(
    key: string,
    entries: { member: string; score: number }[],
    state: IndexedState,
  ): Promise<{ found: ListedDelivery[]; forgotten: number }> {
    if (!entries.length) return { found: [], forgotten: 0 };
    // One command per delivery hash (all in this slice's shard), batched by auto-pipelining.
    const results = await Promise.all(
      entries.map((e) => {
        const ref = parseMember(e.member);
        return this.redis.hget(this.keys.approvalDeliveries(ref.approvalId), ref.eventId);
      }),
    );
    const out: ListedDelivery[] = [];
    const stale: string[] = [];
    entries.forEach((e, i) => {
      const json = results[i];
      if (!json) return void stale.push(e.member);
      const delivery = JSON.parse(json) as Delivery;
      // Written in the same script as the index, so a mismatch is only a state changed since the read.
      if (delivery.state !== state) return;
      out.push({ approvalId: parseMember(e.member).approvalId, ...delivery, since: new Date(e.score).toISOString() });
    });
    if (stale.length) await this.redis.zrem(key, ...stale);
    return { found: out, forgotten: stale.length };
  }
}

/** The listing order: by when the delivery took its state, then by member (`<approvalId>:<eventId>`). */
function byPosition(a: ListedDelivery, b: ListedDelivery): number {
  const bySince = Date.parse(a.since) - Date.parse(b.since);
  if (bySince) return bySince;
  const ma = `${a.approvalId}:${a.eventId}`;
  const mb = `${b.approvalId}:${b.eventId}`;
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

function pairs(raw: string[]): { member: string; score: number }[] {
  const out: { member: string; score: number }[] = [];
  for (let i = 0; i < raw.length; i += 2) out.push({ member: raw[i], score: Number(raw[i + 1]) });
  return out;
}

function encodeCursor(d: ListedDelivery): string {
  return Buffer.from(JSON.stringify([Date.parse(d.since), `${d.approvalId}:${d.eventId}`]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { score: number; member: string } | undefined {
  try {
    const [score, member] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof score === 'number' && Number.isFinite(score) && typeof member === 'string') return { score, member };
  } catch {
    // fall through: the service reports an invalid cursor
  }
  return undefined;
}

export function isValidCursor(cursor: string): boolean {
  return decodeCursor(cursor) !== undefined;
}
