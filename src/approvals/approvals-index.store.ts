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
 * client and user, approval ids scored by creation time, one slice per shard. Newest first means score descending, then
 * id descending, which is the order ZREVRANGEBYSCORE returns members of one score in.
 */
@Injectable()
export class ApprovalsIndexStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Up to `count` entries of one client's listing (of one of its users with `userId`) strictly after
   * `after` (newest first), with their records: the shards' slices read at once, then the records.
   * Each shard's slice gives its first `count` positions after the cursor, which hold the first
   * `count` of the merged order whatever the shards. Entries whose record has expired are removed
   * from their slice on the way.
   */
  async page(clientId: string, userId: string | undefined, after: IndexPosition | undefined, count: number): Promise<IndexEntry[]> {
    const slices = await Promise.all(
      this.keys.shards.all.map(async (shard) => {
        const key =
          userId === undefined ? this.keys.clientApprovals(clientId, shard) : this.keys.clientUserApprovals(clientId, userId, shard);
        return (await this.positionsAfter(key, after, count)).map((p) => ({ ...p, key }));
      }),
    );
    const positions = slices.flat().sort(newestFirst).slice(0, count);
    if (!positions.length) return [];
    // One command per record (each in its own shard's slot), batched per node by auto-pipelining.
    const docs = await Promise.all(positions.map((p) => this.redis.hget(this.keys.approval(p.id), 'doc')));
    const entries = positions.map(({ key: _key, ...p }, i): IndexEntry => {
      const doc = docs[i];
      return typeof doc === 'string' ? { ...p, record: JSON.parse(doc) as ApprovalRecord } : p;
    });
    const gone = positions.filter((_, i) => !entries[i].record);
    await Promise.all(gone.map((p) => this.redis.zrem(p.key, p.id)));
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

/** Score descending, then id descending: the order of one slice, kept across the merged slices. */
function newestFirst(a: IndexPosition, b: IndexPosition): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
