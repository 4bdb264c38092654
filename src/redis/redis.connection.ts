import Redis, { Cluster, RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app.config';

/** One BullMQ Cluster connection per configuration (per application). */
const sharedClusters = new WeakMap<AppConfig, Cluster>();

/**
 * A connection to wherever the service keeps its data: the single Redis at REDIS_URL, the master the
 * sentinels of REDIS_SENTINELS name, or a Redis Cluster seeded by REDIS_CLUSTER_NODES (credentials
 * and TLS still come from REDIS_URL). In Cluster mode every multi-key script names keys of one slot
 * only (redis.keys.ts, shard-map.ts).
 * Typed as Redis: a Cluster answers the same commands the service uses.
 */
export function createRedisConnection(config: AppConfig, overrides: RedisOptions = {}): Redis {
  const nodes = config.runtime.clusterNodes;
  const options = { ...redisOptions(config), ...overrides };
  if (!nodes) return new Redis(options);
  const { host: _host, port: _port, db: _db, retryStrategy, ...nodeOptions } = options;
  const cluster = new Cluster(nodes, {
    redisOptions: nodeOptions,
    clusterRetryStrategy: retryStrategy,
    // Scripts and MULTI need to reach the slot's master: no reads from replicas.
    scaleReads: 'master',
    // While a failed master's replica is promoted (node timeout + election, ~5 s), the slot answers
    // CLUSTERDOWN or MOVED to the dead node: 16 redirections 300 ms apart ride that out instead of
    // failing the command after the default ~1.6 s.
    retryDelayOnClusterDown: 300,
    retryDelayOnFailover: 300,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
  });
  return cluster as unknown as Redis;
}

/**
 * BullMQ's connection: options from which it opens its own connections (single Redis), or a shared
 * Cluster instance that BullMQ duplicates for each worker's blocking connection. Workers block on
 * Redis, so retries per request must be unlimited (BullMQ's requirement).
 */
export function bullConnection(config: AppConfig): RedisOptions | Cluster {
  if (!config.runtime.clusterNodes) return { ...redisOptions(config), maxRetriesPerRequest: null };
  let cluster = sharedClusters.get(config);
  if (!cluster) {
    cluster = createRedisConnection(config, { maxRetriesPerRequest: null }) as unknown as Cluster;
    sharedClusters.set(config, cluster);
  }
  return cluster;
}

/**
 * BullMQ's key prefix. Its scripts name several keys of one queue, so on a cluster the prefix is
 * hash-tagged (`{P}`): every queue's keys share a slot. The queues carry ticks, repairs and one job per
 * terminal event, a small share of the load next to the polls, which are spread over the shards.
 */
export function queuePrefix(config: AppConfig): string {
  return config.runtime.clusterNodes ? `{${config.redis.prefix}}` : config.redis.prefix;
}

/** BullMQ never closes a connection it was handed: the shared Cluster is closed with our own client. */
export async function closeBullConnection(config: AppConfig): Promise<void> {
  const cluster = sharedClusters.get(config);
  sharedClusters.delete(config);
  await cluster?.quit().catch(() => cluster.disconnect());
}

/** Connection options shared by our own client and BullMQ's (which duplicates them per worker). */
export function redisOptions(config: AppConfig): RedisOptions {
  const url = new URL(config.redis.url);
  const { sentinels, sentinelName } = config.redis;
  return {
    ...(sentinels && sentinelOptions(sentinels, sentinelName!, url.protocol === 'rediss:')),
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // Reconnect forever with a capped delay: an outage must not end the process.
    retryStrategy: (times) => Math.min(200 * times, 2000),
  };
}

/**
 * The master is whichever the sentinels name. Without `failoverDetector` a client keeps writing to a
 * demoted master until Sentinel reconfigures it (~10 s), and every write of that time is discarded by
 * its resync: measured, 209 of 388 acknowledged writes lost. With it, the client subscribes to
 * `+switch-master` and reconnects to the new master at once. A write that still reaches a demoted
 * master (READONLY) is sent again after the reconnect.
 */
function sentinelOptions(sentinels: { host: string; port: number }[], name: string, tls: boolean): RedisOptions {
  return {
    sentinels,
    name,
    failoverDetector: true,
    sentinelRetryStrategy: (times) => Math.min(200 * times, 2000),
    sentinelMaxConnections: sentinels.length,
    enableTLSForSentinelMode: tls,
    reconnectOnError: (err) => (/READONLY/.test(err.message) ? 2 : false),
  };
}
