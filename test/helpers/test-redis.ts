import Redis, { Cluster, RedisOptions } from 'ioredis';
import { AppConfig } from '../../src/config/app.config';
import { loadConfig } from '../../src/config/config.loader';
import { queuePrefix } from '../../src/redis/redis.connection';
import { RedisKeys } from '../../src/redis/redis.keys';
import { ShardMap } from '../../src/redis/shard-map';

/**
 * Which Redis the end-to-end suites run against, from STEPUP_TEST_REDIS:
 * - unset: the shared Redis at REDIS_URL (127.0.0.1:6379), one shard — the layout the service always had;
 * - `shards`: the same Redis with REDIS_SHARDS=4, which catches code that forgets a shard;
 * - `cluster`: a local Redis Cluster of 3 masters and 3 replicas (default 16 shards), started once per
 *   jest run by test/redis-modes.setup.ts;
 * - `sentinel`: a master, a replica and three sentinels, started the same way.
 * The processes a run starts are handed to the suites through the environment (below), so every jest
 * worker and every spawned service finds them.
 */
export type TestRedisMode = 'single' | 'shards' | 'cluster' | 'sentinel';

const MODES: readonly TestRedisMode[] = ['single', 'shards', 'cluster', 'sentinel'];

/** REDIS_CLUSTER_NODES of the run's cluster, set by the global setup. */
export const CLUSTER_SEEDS_ENV = 'STEPUP_TEST_REDIS_CLUSTER_NODES';
/** REDIS_SENTINELS of the run's Sentinel deployment, set by the global setup. */
export const SENTINELS_ENV = 'STEPUP_TEST_REDIS_SENTINELS';
/** The name the run's sentinels monitor their master by. */
export const SENTINEL_NAME = 'stepup';
/** Shards in `shards` mode: more than one, few enough that walking them costs nothing. */
const SHARDS_ON_ONE_REDIS = '4';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testRedisMode(): TestRedisMode {
  const mode = process.env.STEPUP_TEST_REDIS || 'single';
  if (!MODES.includes(mode as TestRedisMode)) throw new Error(`STEPUP_TEST_REDIS must be one of ${MODES.join(', ')} (got ${mode})`);
  return mode as TestRedisMode;
}

function started(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is unset: STEPUP_TEST_REDIS=${testRedisMode()} needs jest's global setup (test/redis-modes.setup.ts)`);
  return value;
}

function parseNodes(list: string): { host: string; port: number }[] {
  return list.split(',').map((node) => {
    const at = node.lastIndexOf(':');
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
  });
}

/** The service's Redis settings in this mode (REDIS_URL always: it also carries credentials and TLS). */
export function testRedisEnv(): Record<string, string> {
  switch (testRedisMode()) {
    case 'single':
      return { REDIS_URL };
    case 'shards':
      return { REDIS_URL, REDIS_SHARDS: SHARDS_ON_ONE_REDIS };
    case 'cluster':
      return { REDIS_URL, REDIS_CLUSTER_NODES: started(CLUSTER_SEEDS_ENV) };
    case 'sentinel':
      return { REDIS_URL, REDIS_SENTINELS: started(SENTINELS_ENV), REDIS_SENTINEL_NAME: SENTINEL_NAME };
  }
}

/**
 * A client of this mode's Redis for a test's own reads and writes: a Cluster client on a cluster
 * (typed as Redis, as the service types its own), the sentinels' master behind Sentinel.
 */
export function testRedisClient(options: RedisOptions = {}): Redis {
  switch (testRedisMode()) {
    case 'cluster':
      return new Cluster(parseNodes(started(CLUSTER_SEEDS_ENV)), { redisOptions: options, scaleReads: 'master' }) as unknown as Redis;
    case 'sentinel':
      return new Redis({ ...options, sentinels: parseNodes(started(SENTINELS_ENV)), name: SENTINEL_NAME });
    default:
      return new Redis(REDIS_URL, options);
  }
}

/**
 * What BullMQ needs to open a test's own Queue or QueueEvents on the service's queues: a Cluster
 * instance on a cluster (the caller closes it), connection options otherwise.
 */
export function testBullConnection(): RedisOptions | Cluster {
  const blocking: RedisOptions = { maxRetriesPerRequest: null };
  switch (testRedisMode()) {
    case 'cluster':
      return testRedisClient(blocking) as unknown as Cluster;
    case 'sentinel':
      return { ...blocking, sentinels: parseNodes(started(SENTINELS_ENV)), name: SENTINEL_NAME };
    default: {
      const url = new URL(REDIS_URL);
      return { ...blocking, host: url.hostname, port: Number(url.port || 6379) };
    }
  }
}

/** The masters of this mode's Redis, each as its own client (one on a single Redis or behind Sentinel). */
export async function testRedisMasters(redis: Redis): Promise<Redis[]> {
  if (testRedisMode() !== 'cluster') return [redis];
  return (redis as unknown as Cluster).nodes('master');
}

/**
 * Deletes every key of `prefix`, on every master: the plain ones (`<prefix>:…`) and the hash-tagged
 * ones of a sharded or clustered layout (`{<prefix>:s3-1}:…`, `{<prefix>}:…` of BullMQ, `{<prefix>:c:…}:…`).
 */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for (const master of await testRedisMasters(redis)) {
    for (const pattern of [`${prefix}:*`, `{${prefix}}*`, `{${prefix}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await master.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        // One DEL per key: on a cluster the keys of one SCAN page lie in many slots.
        if (keys.length) await Promise.all(keys.map((key) => master.del(key)));
        cursor = next;
      } while (cursor !== '0');
    }
  }
}

/** What a service of this mode loads for `prefix`: for a test that spawns the service (ServiceProcess). */
function serviceConfig(prefix: string): AppConfig {
  return loadConfig({ NODE_ENV: 'test', ...testRedisEnv(), REDIS_PREFIX: prefix });
}

/** The key names a spawned service of this mode uses under `prefix` (an in-process app has its own: TestApp.keys). */
export function testRedisKeys(prefix: string): RedisKeys {
  const config = serviceConfig(prefix);
  return new RedisKeys(prefix, new ShardMap(prefix, config.redis.shards, config.runtime.clusterNodes !== undefined));
}

/** BullMQ's prefix of a spawned service of this mode under `prefix`. */
export function testQueuePrefix(prefix: string): string {
  return queuePrefix(serviceConfig(prefix));
}
