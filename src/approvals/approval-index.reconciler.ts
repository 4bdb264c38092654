import { Inject, Injectable, Logger } from '@nestjs/common';
import calculateSlot from 'cluster-key-slot';
import Redis, { Cluster } from 'ioredis';
import { ApprovalRecord } from './approval';
import { ApprovalsService } from './approvals.service';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { RedisScript, defineScript } from '../redis/redis-script';

/** Keys looked at per run: a full pass over a large keyspace spreads over several runs. */
export const INDEX_SCAN_PER_RUN = 50_000;
const SCAN_COUNT = 1000;
/** Tails of the former scheme's keys under `P:approval:` (see migrateLegacy). */
const LEGACY_TAIL = /:(events|deliveries)$/;

/**
 * Finds approval records that no index knows (pending but not in the pending set, or without a TTL)
 * and repairs them: before the deadline they are indexed and followed again, after it they expire
 * through the normal transition (event, webhook). The creation script checks every key before its
 * first write, so such a record comes only from a loss of Redis data or a manual edit; this makes
 * sure none is frozen in `pending` or kept for ever. It walks each shard's record key family with SCAN
 * MATCH, at most INDEX_SCAN_PER_RUN keys per run in all, and keeps each shard's cursor in Redis so the
 * next run, on whichever worker, goes on where this one stopped.
 */
@Injectable()
export class ApprovalIndexReconciler {
  private readonly logger = new Logger(ApprovalIndexReconciler.name);
  private readonly reindexApproval: RedisScript<[string, number, number, number], number>;
  private readonly migrateLegacyKey: RedisScript<[string], number>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly approvals: ApprovalsService,
    private readonly config: AppConfig,
  ) {
    this.reindexApproval = defineScript(redis, __dirname, 'reindex-approval-4.lua');
    this.migrateLegacyKey = defineScript(redis, __dirname, 'migrate-legacy-key-2.lua');
  }

  /** Returns the number of records repaired (re-indexed, expired, or given their TTL). */
  async reconcile(): Promise<number> {
    let repaired = 0;
    try {
      const shards = this.keys.shards.all;
      // The run's budget is shared by the shards, each walked on its own master from its own cursor.
      const budget = Math.max(SCAN_COUNT, Math.ceil(INDEX_SCAN_PER_RUN / shards.length));
      for (const shard of shards) repaired += await this.reconcileShard(shard, budget);
      if (repaired) this.logger.warn(`Repaired ${repaired} approval records that were in no index`);
    } catch (err) {
      this.logger.warn(`Reconciling approval indexes failed, will retry: ${(err as Error).message}`);
    }
    return repaired;
  }

  private async reconcileShard(shard: number, budget: number): Promise<number> {
    let repaired = 0;
    const cursorKey = this.keys.scanCursor('approval-index', shard);
    let cursor = (await this.redis.get(cursorKey)) ?? '0';
    const recordPrefix = this.keys.approvalPrefix(shard);
    const node = await this.nodeOfShard(shard);
    let scanned = 0;
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', `${globEscape(recordPrefix)}*`, 'COUNT', SCAN_COUNT);
      cursor = next;
      scanned += SCAN_COUNT;
      const types = ((await node.pipeline(found.map((key) => ['type', key])).exec()) ?? []).map(([, type]) => type);
      for (const [i, key] of found.entries()) {
        const id = key.slice(recordPrefix.length);
        // A record of another shard count (REDIS_SHARDS changed without the documented procedure) is
        // not this shard's: its indexes live elsewhere, so it is left alone.
        if (this.keys.shardOf(id) !== shard && !LEGACY_TAIL.test(id)) continue;
        if (types[i] === 'hash' && !(await this.migrateLegacy(key, id, 'hash'))) repaired += await this.repair(id);
        if (types[i] === 'list') await this.migrateLegacy(key, id, 'list');
      }
    } while (cursor !== '0' && scanned < budget);
    await this.redis.set(cursorKey, cursor, 'EX', 24 * 3600);
    return repaired;
  }

  /**
   * SCAN walks one node. In Cluster mode every key of a shard is in its hash-tag slot, so the walk
   * goes to the master that owns that slot (a plain Cluster SCAN would go to any node).
   */
  private async nodeOfShard(shard: number): Promise<Redis> {
    const cluster = this.redis as unknown;
    if (!(cluster instanceof Cluster)) return this.redis;
    const slot = calculateSlot(this.keys.pendingApprovals(shard));
    const [address] = cluster.slots[slot] ?? [];
    const masters = cluster.nodes('master');
    return masters.find((n) => `${n.options.host}:${n.options.port}` === address) ?? masters[0];
  }

  /**
   * Keys of the former scheme, where an event log and a delivery hash were `<record key>:events` and
   * `<record key>:deliveries`: moved beside their record, so that approvals pending across an upgrade
   * keep their history. True when `tail` was such a key (moved or left to expire). Only one Redis
   * with one shard can hold them: that is the layout they come from, so the move stays on one node.
   */
  private async migrateLegacy(legacy: string, tail: string, type: 'hash' | 'list'): Promise<boolean> {
    const match = (type === 'list' ? /^(.+):events$/ : /^(.+):deliveries$/).exec(tail);
    if (!match) return false;
    const current = type === 'list' ? this.keys.approvalEvents(match[1]) : this.keys.approvalDeliveries(match[1]);
    if (type === 'hash' && (await this.redis.hexists(legacy, 'status'))) return false;
    await this.migrateLegacyKey([legacy, current], type);
    return true;
  }

  private async repair(id: string): Promise<number> {
    const key = this.keys.approval(id);
    const [[, status], [, doc], [, ttl], [, indexed]] = (await this.redis
      .multi()
      .hget(key, 'status')
      .hget(key, 'doc')
      .pttl(key)
      .zscore(this.keys.pendingApprovals(this.keys.shardOf(id)), id)
      .exec()) as [[null, string | null], [null, string | null], [null, number], [null, string | null]];
    const retentionMs = this.config.approvals.retentionS * 1000;
    if (status !== 'pending') {
      if (status === null || ttl !== -1) return 0;
      // A decided record that lost its TTL: kept for the retention period from now.
      await this.redis.multi().pexpire(key, retentionMs).pexpire(this.keys.approvalEvents(id), retentionMs).exec();
      return 1;
    }
    if (indexed !== null && ttl !== -1) return 0;
    const record = doc ? (JSON.parse(doc) as ApprovalRecord) : undefined;
    const expiresAtMs = record ? Date.parse(record.expiresAt) : NaN;
    const now = Date.now();
    if (!record || !(expiresAtMs > now)) {
      const finished = await this.approvals.finish(id, 'expired');
      // No document to build an event from: nothing can be told, so the record only gets its TTL.
      if (!finished) await this.redis.pexpire(key, retentionMs);
      return 1;
    }
    return this.reindexApproval(
      [key, this.keys.approvalEvents(id), this.keys.pendingApprovals(this.keys.shardOf(id)), this.keys.pollsDue(this.keys.shardOf(id))],
      id,
      expiresAtMs,
      expiresAtMs + retentionMs,
      now,
    );
  }
}

/** SCAN MATCH treats `*?[]\` as pattern syntax; the prefix is matched literally. */
function globEscape(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&');
}
