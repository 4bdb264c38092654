import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { Delivery } from '../approvals/delivery';
import { RedisScript, defineScript } from '../redis/redis-script';
import { approvalKeysForScripts } from '../approvals/approval-keys';

/** A delivery named by the pending index. */
export interface DeliveryRef {
  approvalId: string;
  eventId: string;
}

/**
 * Webhook delivery state, this folder's keys: `P:approval-deliveries:<id>`, a hash of eventId →
 * Delivery JSON, and `P:deliveries:pending`, the index of pending ones by next attempt, written in the
 * same scripts (`*.lua` beside this file). Each writes only while the approval exists (it reads the
 * record's PTTL, the one approval key it names, handed by approvals/approval-keys.ts) and gives the
 * hash the approval's remaining lifetime, so deliveries expire with their approval; the index lets the
 * reconciler find a pending delivery whose job was lost. The same scripts keep each client's index of
 * dead and of pending deliveries (DeliveryIndex reads them).
 */
@Injectable()
export class DeliveryStore {
  private readonly openDelivery: RedisScript<[string, string, string, string, string], [0 | 1, string] | null>;
  private readonly saveDelivery: RedisScript<[string, string, string, string, string, string], number>;
  private readonly reviveDeadDeliveries: RedisScript<[string, string, string], string[]>;
  private readonly reopenDelivery: RedisScript<[string, string, string, string, string, string], ReopenResult>;
  private readonly releaseDeliveryLease: RedisScript<[string], number>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.openDelivery = defineScript(redis, __dirname, 'open-delivery-5.lua');
    this.saveDelivery = defineScript(redis, __dirname, 'save-delivery-5.lua');
    this.reviveDeadDeliveries = defineScript(redis, __dirname, 'revive-dead-deliveries-4.lua');
    this.reopenDelivery = defineScript(redis, __dirname, 'reopen-delivery-5.lua');
    this.releaseDeliveryLease = defineScript(redis, __dirname, 'release-delivery-lease-1.lua');
  }

  /**
   * Takes the right to make the delivery's next attempt for `leaseMs`, as every sender does before it
   * reads the delivery: a worker's job and the deciding process's first attempt never send the same
   * attempt at once, and whoever comes second reads what the first one saved. Returns the lease's token,
   * or how long the current holder may still hold it.
   */
  async claim(eventId: string, leaseMs: number): Promise<{ token: string } | { heldForMs: number }> {
    const token = randomUUID();
    const key = this.keys.deliveryLease(eventId);
    if ((await this.redis.set(key, token, 'PX', leaseMs, 'NX')) === 'OK') return { token };
    return { heldForMs: Math.max(0, await this.redis.pttl(key)) };
  }

  /** Ends a lease taken with claim, once the attempt's result is saved. */
  async releaseClaim(eventId: string, token: string): Promise<void> {
    await this.releaseDeliveryLease([this.keys.deliveryLease(eventId)], token);
  }

  /**
   * Records a new delivery unless one exists for the event; returns the one that is stored and
   * whether this call created it (undefined: approval gone).
   */
  async open(clientId: string, approvalId: string, delivery: Delivery): Promise<{ delivery: Delivery; created: boolean } | undefined> {
    const stored = await this.openDelivery(
      this.keysOf(clientId, approvalId),
      delivery.eventId,
      JSON.stringify(delivery),
      member(approvalId, delivery.eventId),
      String(dueMs(delivery)),
      String(Date.now()),
    );
    return stored ? { delivery: JSON.parse(stored[1]) as Delivery, created: stored[0] === 1 } : undefined;
  }

  async get(approvalId: string, eventId: string): Promise<Delivery | undefined> {
    const json = await this.redis.hget(this.keys.approvalDeliveries(approvalId), eventId);
    return json ? (JSON.parse(json) as Delivery) : undefined;
  }

  async save(approvalId: string, delivery: Delivery, clientId: string): Promise<boolean> {
    const due = delivery.state === 'pending' ? String(dueMs(delivery)) : '';
    const keys = this.keysOf(clientId, approvalId);
    return (
      (await this.saveDelivery(
        keys,
        delivery.eventId,
        JSON.stringify(delivery),
        member(approvalId, delivery.eventId),
        due,
        delivery.state,
        String(Date.now()),
      )) === 1
    );
  }

  /** Dead deliveries become pending again; returns their event ids. */
  async reviveDead(clientId: string, approvalId: string, now: Date): Promise<string[]> {
    const shard = this.keys.shardOf(approvalId);
    const keys = [
      this.keys.approvalDeliveries(approvalId),
      this.keys.pendingDeliveries(shard),
      this.keys.clientDeliveries(clientId, 'pending', shard),
      this.keys.clientDeliveries(clientId, 'dead', shard),
    ];
    return this.reviveDeadDeliveries(keys, now.toISOString(), approvalId, String(now.getTime()));
  }

  /**
   * Makes one delivery pending again, due now: only a dead one with `onlyDead`, else whatever its
   * state (a resend of a delivered event). `create` is recorded when the event has no delivery yet.
   */
  reopen(clientId: string, approvalId: string, eventId: string, options: { onlyDead: boolean; create?: Delivery }): Promise<ReopenResult> {
    const now = new Date();
    const create = options.create ? JSON.stringify(options.create) : '';
    return this.reopenDelivery(
      this.keysOf(clientId, approvalId),
      eventId,
      member(approvalId, eventId),
      now.toISOString(),
      String(now.getTime()),
      options.onlyDead ? '1' : '0',
      create,
    );
  }

  /** Every shard's number: the delivery reconciler walks each shard's pending index. */
  get shards(): readonly number[] {
    return this.keys.shards.all;
  }

  /** One shard's pending deliveries whose next attempt was due before `beforeMs`, oldest first, one page. */
  async overdue(shard: number, beforeMs: number, offset: number, count: number): Promise<DeliveryRef[]> {
    const members = await this.redis.zrangebyscore(this.keys.pendingDeliveries(shard), '-inf', beforeMs, 'LIMIT', offset, count);
    return members.map(parseMember);
  }

  /** Drops an index entry whose delivery ended or expired with its approval. */
  async forget(ref: DeliveryRef): Promise<void> {
    await this.redis.zrem(this.keys.pendingDeliveries(this.keys.shardOf(ref.approvalId)), member(ref.approvalId, ref.eventId));
  }

  /** The approval's record and deliveries, with its shard's pending index and the client's slices of it: one slot. */
  private keysOf(clientId: string, approvalId: string): [string, string, string, string, string] {
    const shard = this.keys.shardOf(approvalId);
    return [
      approvalKeysForScripts.record(this.keys, approvalId),
      this.keys.approvalDeliveries(approvalId),
      this.keys.pendingDeliveries(shard),
      this.keys.clientDeliveries(clientId, 'pending', shard),
      this.keys.clientDeliveries(clientId, 'dead', shard),
    ];
  }
}

export type ReopenResult = 'reopened' | 'pending' | 'not_dead' | 'missing' | 'gone';

/** Event ids hold no ':', so the last one separates them whatever the approval id holds. */
export function parseMember(m: string): DeliveryRef {
  const at = m.lastIndexOf(':');
  return { approvalId: m.slice(0, at), eventId: m.slice(at + 1) };
}

export function member(approvalId: string, eventId: string): string {
  return `${approvalId}:${eventId}`;
}

function dueMs(delivery: Delivery): number {
  const at = delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : NaN;
  return Number.isNaN(at) ? Date.now() : at;
}
