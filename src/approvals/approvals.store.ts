import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { RedisReplication } from '../redis/redis.replication';
import { ApprovalRecord } from './approval';
import { ApprovalEvent, SequencedEvent } from './approval-event';
import { Delivery } from './delivery';
import { StorageNotReplicatedError } from '../common/app.errors';
import { RedisScript, defineScript } from '../redis/redis-script';

/** The longest lifetime an approval can be given (contract: timeoutSeconds ≤ 86400). */
const MAX_TIMEOUT_S = 86_400;

/**
 * Enough stream history, all shards together, for an instance whose subscription dropped for a while
 * to catch up. Each shard's stream carries its share of the events, so it keeps its share of the
 * history: the time it covers, and the memory it takes, do not grow with the shard count.
 */
const EVENT_STREAM_MAX_LEN = 100_000;
/** The least any one shard's stream keeps, however many shards. */
const MIN_SHARD_STREAM_LEN = 1000;

/** What consume did: consumed it now, found it consumed (with this or another reference), or found it not approved. */
export type ConsumeResult = 'consumed' | 'same_reference' | 'other_reference' | 'missing' | 'not_approved';
const CONSUME_RESULTS: Record<number, ConsumeResult> = {
  1: 'consumed',
  2: 'same_reference',
  0: 'other_reference',
  [-1]: 'missing',
  [-2]: 'not_approved',
};

/**
 * What the first step of admission found: the approval already stored, the id held by another
 * request, or the id reserved for this one (`mine`: the reservation was this request's already, a retry).
 */
export type Reservation =
  { kind: 'existing'; record: ApprovalRecord } | { kind: 'held'; owner: string } | { kind: 'reserved'; mine: boolean };

/** The creation being admitted: its id, and the reservation it takes while its creation is in flight upstream. */
export interface ReservationRequest {
  id: string;
  owner: string;
  reservationTtlMs: number;
}

export type TransitionResult = { applied: true; seq: number } | { applied: false; reason: 'not_pending' | 'missing' | 'too_late' };
const NOT_APPLIED: Record<number, 'not_pending' | 'missing' | 'too_late'> = { 0: 'not_pending', [-1]: 'missing', [-2]: 'too_late' };

/**
 * Approvals and their event logs in Redis. Every status change goes through one atomic script
 * (`*.lua` beside this file): the record, its event log, the pending index and the cross-instance
 * event stream change together or not at all, so racing pollers, expiry and cancellation cannot both win.
 */
@Injectable()
export class ApprovalsStore {
  private readonly createApproval: RedisScript<[string, string, number, number, string, number, number, number, number], number>;
  private readonly transitionApproval: RedisScript<[string, string, string, string, number, string, number, number, string], number>;
  private readonly updateApprovalDoc: RedisScript<[string, string], number>;
  private readonly consumeApproval: RedisScript<[string, string], number>;
  private readonly replaceApprovalDoc: RedisScript<[string, string], number>;
  private readonly streamMaxLen: number;
  private readonly reserveApprovalId: RedisScript<[string, number], (string | number | null)[]>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
    private readonly replication: RedisReplication,
  ) {
    this.streamMaxLen = Math.max(MIN_SHARD_STREAM_LEN, Math.ceil(EVENT_STREAM_MAX_LEN / keys.shards.count));
    this.createApproval = defineScript(redis, __dirname, 'create-approval-8.lua');
    this.transitionApproval = defineScript(redis, __dirname, 'transition-approval-7.lua');
    this.updateApprovalDoc = defineScript(redis, __dirname, 'update-approval-doc-1.lua');
    this.consumeApproval = defineScript(redis, __dirname, 'consume-approval-1.lua');
    this.replaceApprovalDoc = defineScript(redis, __dirname, 'replace-approval-doc-1.lua');
    this.reserveApprovalId = defineScript(redis, __dirname, 'reserve-approval-id-2.lua');
  }

  /**
   * Looks the id up and reserves it for `owner` while its creation is in flight (reserve-approval-id-2.lua,
   * in the id's shard): the first step of admission, before the limits are counted.
   */
  async reserve(r: ReservationRequest): Promise<Reservation> {
    const [kind, a, b, c] = await this.reserveApprovalId(
      [this.keys.approval(r.id), this.keys.reservation(r.id)],
      r.owner,
      r.reservationTtlMs,
    );
    if (kind === 'existing')
      return { kind, record: ApprovalsStore.recordOf(a as string, (b ?? null) as string | null, (c ?? null) as string | null) };
    if (kind === 'held') return { kind, owner: a as string };
    return { kind: 'reserved', mine: a === 1 };
  }

  /**
   * The ids among `ids` whose record is no longer pending (the per-user limit's lazy cleanup): one
   * read per record, each in its own shard, batched per node by auto-pipelining. An id without a
   * record is not among them (its creation may still be in flight).
   */
  async decidedAmong(ids: string[]): Promise<string[]> {
    const statuses = await Promise.all(ids.map((id) => this.redis.hget(this.keys.approval(id), 'status')));
    return ids.filter((_, i) => statuses[i] !== null && statuses[i] !== 'pending');
  }

  /**
   * Stores a new pending approval with its first event and its first poll, one interval from now, and
   * frees the id's reservation (taken at admission) in the same script; false if the id is taken.
   * Behind Sentinel or a cluster, throws StorageNotReplicatedError when no replica confirmed the
   * write in time: a 201 promises an approval that a failover does not take back.
   */
  async create(record: ApprovalRecord, event: ApprovalEvent): Promise<boolean> {
    const expiresAtMs = Date.parse(record.expiresAt);
    const keepUntilMs = expiresAtMs + this.config.approvals.retentionS * 1000;
    const createdAtMs = Date.parse(record.createdAt);
    const shard = this.keys.shardOf(record.id);
    const created = await this.createApproval(
      [
        ...this.recordKeys(record.id),
        this.keys.pollsDue(shard),
        this.keys.clientApprovals(record.clientId, shard),
        this.keys.clientUserApprovals(record.clientId, record.userId, shard),
        this.keys.reservation(record.id),
      ],
      JSON.stringify(record),
      JSON.stringify(event),
      expiresAtMs,
      keepUntilMs,
      record.id,
      this.streamMaxLen,
      Math.min(Date.now() + this.config.polling.intervalMs, expiresAtMs),
      createdAtMs,
      // No record created before this can still exist: the longest lifetime plus the retention.
      createdAtMs - (MAX_TIMEOUT_S + this.config.approvals.retentionS) * 1000,
    );
    // On a replica before the 201: a failover right after it must not lose an approval the caller holds.
    if (created === 1 && !(await this.replication.waitForReplica(shard))) throw new StorageNotReplicatedError(record.id);
    return created === 1;
  }

  /** Every shard's number: the per-shard indexes (pending, outbox) are read shard by shard. */
  get shards(): readonly number[] {
    return this.keys.shards.all;
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    const [doc, consumedAt, consumedReference] = await this.redis.hmget(this.keys.approval(id), 'doc', 'consumedAt', 'consumedReference');
    return doc ? ApprovalsStore.recordOf(doc, consumedAt, consumedReference) : undefined;
  }

  /** The record from its hash fields (read here or by a script that looked it up). */
  static recordOf(doc: string, consumedAt: string | null, consumedReference: string | null): ApprovalRecord {
    const record = JSON.parse(doc) as ApprovalRecord;
    return consumedAt === null ? record : { ...record, consumedAt, ...(consumedReference !== null && { consumedReference }) };
  }

  /**
   * Marks an approved approval consumed, once: one compare-and-set in Redis, so of any number of
   * concurrent calls on any instance exactly one consumes it. An approval consumed before `reference`
   * was required has none stored, so no reference matches it.
   */
  async consume(id: string, reference: string, consumedAt: string): Promise<ConsumeResult> {
    return CONSUME_RESULTS[await this.consumeApproval([this.keys.approval(id)], reference, consumedAt)];
  }

  /**
   * Moves a pending approval to `next.status`, appending `event`, unless another change won first.
   * With `receivedAt`, the change is refused (`too_late`) when that time is at or after the stored
   * record's expiresAt: the deadline is judged in the same script as the change.
   */
  async transition(next: ApprovalRecord, event: ApprovalEvent, receivedAt?: string): Promise<TransitionResult> {
    const shard = this.keys.shardOf(next.id);
    const seq = await this.transitionApproval(
      [...this.recordKeys(next.id), this.keys.pollsDue(shard), this.keys.pollFailures(shard), this.keys.decisionsAwaitingDelivery(shard)],
      'pending',
      next.status,
      JSON.stringify(next),
      JSON.stringify(event),
      this.config.approvals.retentionS,
      next.id,
      this.streamMaxLen,
      Date.now(),
      receivedAt ?? '',
    );
    if (seq <= 0) return { applied: false, reason: NOT_APPLIED[seq] ?? 'missing' };
    // On a replica before the caller announces it, so that a failover rarely takes back a decision
    // receivers saw. Announced even when none confirmed in time: if the failover does take it back, the
    // approval is decided again, and the same outcome repeats the same event id (eventIdOf).
    await this.replication.waitForReplica(shard);
    return { applied: true, seq };
  }

  /** The terminal event of this approval has been handed to webhook delivery (or there is nothing to hand). */
  async markHandedToDelivery(id: string): Promise<void> {
    await this.redis.zrem(this.keys.decisionsAwaitingDelivery(this.keys.shardOf(id)), id);
  }

  /** One shard's decided approvals whose terminal event was not handed to delivery by `beforeMs`, oldest first. */
  async notHandedToDeliveryBefore(shard: number, beforeMs: number, count: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.decisionsAwaitingDelivery(shard), '-inf', beforeMs, 'LIMIT', 0, count);
  }

  /** The webhook deliveries of an approval (written by webhooks/, shown with the approval), by event id. */
  async deliveries(id: string): Promise<Delivery[]> {
    const all = await this.redis.hvals(this.keys.approvalDeliveries(id));
    return all.map((json) => JSON.parse(json) as Delivery).sort((a, b) => a.eventId.localeCompare(b.eventId));
  }

  /** Saves fields that are not the status (authentication details) on a record whose status has not moved meanwhile. */
  async enrich(record: ApprovalRecord): Promise<boolean> {
    return (await this.updateApprovalDoc([this.keys.approval(record.id)], record.status, JSON.stringify(record))) === 1;
  }

  /**
   * Applies `change` to the stored record unless it returns undefined (nothing to change), reading
   * again when another write got in between. Not for status changes: those go through `transition`.
   * Resolves to the record as stored afterwards (undefined when gone).
   */
  async update(id: string, change: (record: ApprovalRecord) => ApprovalRecord | undefined): Promise<ApprovalRecord | undefined> {
    for (;;) {
      const doc = await this.redis.hget(this.keys.approval(id), 'doc');
      if (!doc) return undefined;
      const next = change(JSON.parse(doc) as ApprovalRecord);
      if (!next) return JSON.parse(doc) as ApprovalRecord;
      if ((await this.replaceApprovalDoc([this.keys.approval(id)], doc, JSON.stringify(next))) === 1) return next;
    }
  }

  /** The approval's events after sequence number `afterSeq` (0: all), in order. */
  async eventsAfter(id: string, afterSeq = 0): Promise<SequencedEvent[]> {
    const raw = await this.redis.lrange(this.keys.approvalEvents(id), afterSeq, -1);
    return raw.map((json, i) => ({ seq: afterSeq + i + 1, event: JSON.parse(json) as ApprovalEvent }));
  }

  /** The terminal event of a decided approval (the last one of its log). */
  async lastEvent(id: string): Promise<SequencedEvent | undefined> {
    const key = this.keys.approvalEvents(id);
    const [[, length], [, last]] = (await this.redis.multi().llen(key).lindex(key, -1).exec()) as [[null, number], [null, string | null]];
    return last ? { seq: length, event: JSON.parse(last) as ApprovalEvent } : undefined;
  }

  /** Ids of one shard's pending approvals, oldest deadline first, a page at a time. */
  async pendingIds(shard: number, offset: number, count: number): Promise<string[]> {
    return this.redis.zrange(this.keys.pendingApprovals(shard), offset, offset + count - 1);
  }

  /** Ids of one shard's pending approvals whose expiresAt is before `beforeMs` (the pending index is scored by it). */
  async pendingIdsExpiringBefore(shard: number, beforeMs: number, count: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.pendingApprovals(shard), '-inf', `(${beforeMs}`, 'LIMIT', 0, count);
  }

  /** Frees an operationId claimed at admission (`admit`) whose creation failed for sure. */
  async releaseReservation(id: string): Promise<void> {
    await this.redis.del(this.keys.reservation(id));
  }

  /** The approval's record and log, and its shard's pending index and event stream. */
  private recordKeys(id: string): [string, string, string, string] {
    const shard = this.keys.shardOf(id);
    return [this.keys.approval(id), this.keys.approvalEvents(id), this.keys.pendingApprovals(shard), this.keys.eventStream(shard)];
  }
}
