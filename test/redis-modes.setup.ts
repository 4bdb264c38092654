import { startLocalRedisCluster } from './helpers/redis-cluster';
import { LocalSentinel } from './helpers/redis-sentinel';
import { CLUSTER_SEEDS_ENV, SENTINELS_ENV, testRedisMode } from './helpers/test-redis';

/** What the setup started, for the teardown (both run in jest's parent process). */
interface Started {
  stop(): Promise<void>;
}
const started = globalThis as { stepupTestRedis?: Started };

/**
 * jest globalSetup of jest.redis-modes.config.js: starts the Redis of STEPUP_TEST_REDIS once for the
 * whole run (test/helpers/test-redis.ts) and hands its addresses to the suites through the environment,
 * which jest's workers and the services the suites spawn inherit.
 */
export default async function setup(): Promise<void> {
  switch (testRedisMode()) {
    case 'cluster': {
      const cluster = await startLocalRedisCluster({ replicas: 1 });
      process.env[CLUSTER_SEEDS_ENV] = cluster.seeds;
      started.stepupTestRedis = cluster;
      return;
    }
    case 'sentinel': {
      const sentinel = new LocalSentinel();
      started.stepupTestRedis = sentinel;
      await sentinel.start();
      process.env[SENTINELS_ENV] = sentinel.sentinels;
      return;
    }
    default:
      return;
  }
}
