import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import calculateSlot from 'cluster-key-slot';
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
 * small write of its own (the shard's `replica-wait`): that write's offset covers every write the
 * shard's master acknowledged before it on any connection. Each shard waits on its own master; waiters
 * of one shard that arrive while its WAIT is out share the next one (group commit), so at most one WAIT
 * per shard is in flight and a missing replica costs each caller one timeout at most.
 * A single Redis (no Sentinel, no cluster) has no replica to fail over to and never waits; nor does
 * a deployment whose master has never had a replica connected while this process ran (a cluster of
 * masters alone). Once one was seen, every wait needs one: a master that lost its replica (promoted
 * away from it, or dead) then confirms nothing until a replica is back.
 */
@Injectable()
export class RedisReplication implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisReplication.name);
  private connection?: Redis;
  private readonly waits = new Map<number, ShardWait>();
  /** False once a wait failed: a slot's master may have changed, so the next wait asks the cluster first. */
  private slotsCurrent = true;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: RedisKeys,
  ) {}

  get enabled(): boolean {
    return this.config.redis.replicaWaitMs > 0;
  }

  /**
   * Resolves once a replica of `shard`'s master has every write acknowledged there before this call
   * (true), or the wait's bound passed or Redis failed (false); true at once where there is no
   * replica to wait for.
   */
  waitForReplica(shard: number): Promise<boolean> {
    if (!this.enabled) return Promise.resolve(true);
    let wait = this.waits.get(shard);
    if (!wait) this.waits.set(shard, (wait = { replicated: false }));
    const w = wait;
    if (!w.inFlight) return (w.inFlight = this.run(shard, w));
    // One WAIT is out, for writes before it: this caller's writes need the next one.
    w.next ??= w.inFlight.then(() => {
      w.next = undefined;
      return (w.inFlight = this.run(shard, w));
    });
    return w.next;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  private async run(shard: number, wait: ShardWait): Promise<boolean> {
    const timeoutMs = this.config.redis.replicaWaitMs;
    try {
      const node = await this.node(shard);
      if (!wait.replicated) {
        const replication = await node.info('replication');
        if (!/^connected_slaves:[1-9]/m.test(replication)) return true;
        wait.replicated = true;
      }
      const replies = await node
        .pipeline()
        .set(this.keys.replicaWait(shard), String(Date.now()), 'PX', 60_000)
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
      wait.inFlight = undefined;
    }
  }

  private async node(shard: number): Promise<Redis> {
    this.connection ??= createRedisConnection(this.config, { maxRetriesPerRequest: 1 });
    if (!this.config.runtime.clusterNodes) return this.connection;
    const cluster = this.connection as unknown as Cluster;
    // A new connection knows no slots yet: a first command connects it and loads the slot map.
    if (cluster.status !== 'ready') await cluster.ping();
    const slot = calculateSlot(this.keys.replicaWait(shard));
    const masterOfSlot = () => {
      const [address] = cluster.slots[slot] ?? [];
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
    if (!node) throw new Error(`no master known for slot ${slot}`);
    return node;
  }
}

/** One shard's group commit: the WAIT out now, the one queued behind it, and whether its master has had a replica. */
interface ShardWait {
  inFlight?: Promise<boolean>;
  next?: Promise<boolean>;
  /** Whether the master has had a replica connected: from then on a write counts only once one has it. */
  replicated: boolean;
}
