import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { Cluster } from 'ioredis';
import { AppConfig } from '../config/app.config';
import { createRedisConnection } from './redis.connection';
import { RedisKeys } from './redis.keys';

/**
 * Narrows what a failover can lose. Replication is asynchronous: a write the master acknowledged and
 * its replica had not received yet is gone once the replica is promoted. Before a create answers
 * `201` and before a decision is announced, `waitForReplica` holds on until a replica has every write
 * acknowledged so far, or REDIS_REPLICA_WAIT_MS passed. WAIT narrows the window, it does not make
 * Redis consistent: what the callers do when no replica confirmed in time is theirs to decide.
 *
 * WAIT counts the writes of its own connection only, so it runs on a connection of its own behind a
 * small write of its own (`replica-wait`): that write's offset covers every write acknowledged
 * before it on any connection. Waiters that arrive while one WAIT is out share the next one (group
 * commit), so at most one WAIT is in flight and a missing replica costs each caller one timeout at most.
 * A single Redis (no Sentinel, no cluster) has no replica to fail over to and never waits; nor does
 * a deployment whose master has never had a replica connected while this process ran (a cluster of
 * masters alone). Once one was seen, every wait needs one: a master that lost its replica (promoted
 * away from it, or dead) then confirms nothing until a replica is back.
 */
@Injectable()
export class RedisReplication implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisReplication.name);
  private connection?: Redis;
  private inFlight?: Promise<boolean>;
  private next?: Promise<boolean>;
  /** Slot of the replica-wait key in a cluster, asked once. */
  private slot?: number;
  /** False once a wait failed: the slot's master may have changed, so the next wait asks the cluster first. */
  private slotsCurrent = true;
  /** Whether the master has had a replica connected: from then on a write counts only once one has it. */
  private replicated = false;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: RedisKeys,
  ) {}

  get enabled(): boolean {
    return this.config.redis.replicaWaitMs > 0;
  }

  /**
   * Resolves once a replica has every write acknowledged before this call (true), or the wait's bound
   * passed or Redis failed (false); true at once where there is no replica to wait for.
   */
  waitForReplica(): Promise<boolean> {
    if (!this.enabled) return Promise.resolve(true);
    if (!this.inFlight) return (this.inFlight = this.run());
    // One WAIT is out, for writes before it: this caller's writes need the next one.
    this.next ??= this.inFlight.then(() => {
      this.next = undefined;
      return (this.inFlight = this.run());
    });
    return this.next;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  private async run(): Promise<boolean> {
    const timeoutMs = this.config.redis.replicaWaitMs;
    try {
      const node = await this.node();
      if (!this.replicated) {
        const replication = await node.info('replication');
        if (!/^connected_slaves:[1-9]/m.test(replication)) return true;
        this.replicated = true;
      }
      const replies = await node
        .pipeline()
        .set(this.keys.replicaWait(), String(Date.now()), 'PX', 60_000)
        .call('WAIT', 1, timeoutMs)
        .exec();
      const [setErr] = replies?.[0] ?? [];
      const [waitErr, replicas] = replies?.[1] ?? [];
      if (setErr || waitErr) throw setErr ?? waitErr;
      if (Number(replicas) >= 1) return true;
      this.logger.warn(`No replica acknowledged within ${timeoutMs} ms: a failover now could lose the latest writes`);
      return false;
    } catch (err) {
      this.slotsCurrent = false;
      this.logger.warn(`Waiting for a replica failed: ${(err as Error).message}`);
      return false;
    } finally {
      this.inFlight = undefined;
    }
  }

  private async node(): Promise<Redis> {
    this.connection ??= createRedisConnection(this.config, { maxRetriesPerRequest: 1 });
    if (!this.config.runtime.clusterNodes) return this.connection;
    const cluster = this.connection as unknown as Cluster;
    this.slot ??= Number(await cluster.cluster('KEYSLOT', this.keys.replicaWait()));
    const masterOfSlot = () => {
      const [address] = cluster.slots[this.slot!] ?? [];
      return cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === address);
    };
    let node = masterOfSlot();
    if (!node || !this.slotsCurrent) {
      // This connection sends to one node only, never through the cluster's routing, so no MOVED ever
      // tells it a replica was promoted: after a failover, or an error on the node, it asks the
      // cluster for its slots again, or every wait would go on failing until a restart.
      await new Promise<void>((resolve, reject) => cluster.refreshSlotsCache((err) => (err ? reject(err) : resolve())));
      this.slotsCurrent = true;
      node = masterOfSlot();
    }
    if (!node) throw new Error(`no master known for slot ${this.slot}`);
    return node;
  }
}
