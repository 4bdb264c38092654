import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { Delivery } from './delivery';
import { OPEN_DELIVERY, REVIVE_DEAD_DELIVERIES, SAVE_DELIVERY } from './delivery.scripts';

interface ScriptedRedis extends Redis {
  openDelivery(...args: string[]): Promise<string | null>;
  saveDelivery(...args: string[]): Promise<number>;
  reviveDeadDeliveries(...args: string[]): Promise<string[]>;
}

/** Webhook delivery state: `P:approval:<id>:deliveries`, a hash of eventId → Delivery JSON. */
@Injectable()
export class DeliveryStore {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS) redis: Redis, private readonly keys: RedisKeys) {
    redis.defineCommand('openDelivery', { numberOfKeys: 2, lua: OPEN_DELIVERY });
    redis.defineCommand('saveDelivery', { numberOfKeys: 2, lua: SAVE_DELIVERY });
    redis.defineCommand('reviveDeadDeliveries', { numberOfKeys: 1, lua: REVIVE_DEAD_DELIVERIES });
    this.redis = redis as ScriptedRedis;
  }

  /** Records a new delivery unless one exists for the event; returns the one that is stored (undefined: approval gone). */
  async open(approvalId: string, delivery: Delivery): Promise<Delivery | undefined> {
    const json = await this.redis.openDelivery(this.keys.approval(approvalId), this.keys.approvalDeliveries(approvalId), delivery.eventId, JSON.stringify(delivery));
    return json ? (JSON.parse(json) as Delivery) : undefined;
  }

  async get(approvalId: string, eventId: string): Promise<Delivery | undefined> {
    const json = await this.redis.hget(this.keys.approvalDeliveries(approvalId), eventId);
    return json ? (JSON.parse(json) as Delivery) : undefined;
  }

  async save(approvalId: string, delivery: Delivery): Promise<boolean> {
    return (await this.redis.saveDelivery(this.keys.approval(approvalId), this.keys.approvalDeliveries(approvalId), delivery.eventId, JSON.stringify(delivery))) === 1;
  }

  async list(approvalId: string): Promise<Delivery[]> {
    const all = await this.redis.hvals(this.keys.approvalDeliveries(approvalId));
    return all.map((json) => JSON.parse(json) as Delivery).sort((a, b) => a.eventId.localeCompare(b.eventId));
  }

  /** Dead deliveries become pending again; returns their event ids. */
  async reviveDead(approvalId: string, now: Date): Promise<string[]> {
    return this.redis.reviveDeadDeliveries(this.keys.approvalDeliveries(approvalId), now.toISOString());
  }
}
