import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { ApprovalRecord } from './approval';

/** A place in a listing index: the creation time (ms) and the id, which orders approvals created in the same millisecond. */
export interface IndexPosition {
  score: number;
  id: string;
}

/** One index entry with its record; `record` is absent when the record has expired (the entry is then removed). */
export interface IndexEntry extends IndexPosition {
  record?: ApprovalRecord;
}

/**
 * Reads the listing indexes written by the create script (create-approval-8.lua): per client, and per
 * client and user, approval ids scored by creation time. Newest first means score descending, then
 * id descending, which is the order ZREVRANGEBYSCORE returns members of one score in.
 */
@Injectable()
export class ApprovalsIndexStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  indexKey(clientId: string, userId?: string): string {
    return userId === undefined ? this.keys.clientApprovals(clientId) : this.keys.clientUserApprovals(clientId, userId);
  }

  /**
   * Up to `count` entries strictly after `after` (newest first), with their records: two round trips.
   * Entries whose record has expired are removed from the index on the way.
   */
  async page(key: string, after: IndexPosition | undefined, count: number): Promise<IndexEntry[]> {
    const positions = await this.positionsAfter(key, after, count);
    if (!positions.length) return [];
    const docs = (await this.redis.pipeline(positions.map((p) => ['hget', this.keys.approval(p.id), 'doc'])).exec()) ?? [];
    const entries = positions.map((p, i): IndexEntry => {
      const [err, doc] = docs[i] ?? [];
      if (err) throw err;
      return typeof doc === 'string' ? { ...p, record: JSON.parse(doc) as ApprovalRecord } : p;
    });
    const gone = entries.filter((e) => !e.record).map((e) => e.id);
    if (gone.length) await this.redis.zrem(key, ...gone);
    return entries;
  }

  /**
   * Members of the score of `after` that come before it (its own id and greater ids) are skipped here
   * rather than by an offset, so that approvals created meanwhile (all newer) never shift the page.
   */
  private async positionsAfter(key: string, after: IndexPosition | undefined, count: number): Promise<IndexPosition[]> {
    const found: IndexPosition[] = [];
    let offset = 0;
    // More than one batch only when over `count` approvals share the cursor's millisecond: rare.
    for (;;) {
      const batch = count + 8;
      const raw = await this.redis.zrevrangebyscore(key, after ? after.score : '+inf', '-inf', 'WITHSCORES', 'LIMIT', offset, batch);
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const position = { id: raw[i], score: Number(raw[i + 1]) };
        if (after && position.score === after.score && position.id >= after.id) continue;
        found.push(position);
        if (found.length === count) return found;
      }
      if (raw.length < batch * 2) return found;
      offset += batch;
    }
  }
}
