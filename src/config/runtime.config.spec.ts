import { loadConfig } from './config.loader';
import { configProblemsOf } from '../../test/unit/config-problems';

describe('runtime configuration', () => {
  it('defaults to one process running API and workers, with the documented limits', () => {
    const sut = loadConfig({}).runtime;
    expect(sut).toEqual({
      role: 'all',
      runsWorkers: true,
      servesApi: true,
      shutdownTimeoutMs: 10_000,
      rateLimit: {
        windowMs: 1000,
        createsPerWindow: 100,
        requestsPerWindow: 1000,
        anonymousPerMinute: 600,
        userMaxPending: 3,
        userMaxCreationsPerMinute: 5,
        clientMaxStoredApprovals: 100_000,
      },
      clusterNodes: undefined,
    });
  });

  it.each([
    ['api', false, true],
    ['worker', true, false],
  ])('ROLE=%s runs workers: %s, serves the API: %s', (role, runsWorkers, servesApi) => {
    expect(loadConfig({ ROLE: role }).runtime).toMatchObject({ runsWorkers, servesApi });
  });

  it('parses REDIS_CLUSTER_NODES with a plain prefix, and shards over 16 unless REDIS_SHARDS says otherwise', () => {
    const sut = loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001', REDIS_PREFIX: 'stepup' });
    expect(sut.runtime.clusterNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
    ]);
    expect(sut.redis.shards).toBe(16);
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000', REDIS_SHARDS: '3' }).redis.shards).toBe(3);
    expect(loadConfig({}).redis.shards).toBe(1);
    expect(loadConfig({ REDIS_SHARDS: '4' }).redis.shards).toBe(4);
  });

  it('finds the master through REDIS_SENTINELS, and waits for a replica only where one exists', () => {
    const sut = loadConfig({ REDIS_SENTINELS: 's1:26379,[::1]:26380', REDIS_SENTINEL_NAME: 'stepup' }).redis;
    expect(sut).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      sentinelName: 'stepup',
      replicaWaitMs: 500,
    });
    expect(loadConfig({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'stepup', REDIS_REPLICA_WAIT_MS: '0' }).redis.replicaWaitMs).toBe(
      0,
    );
    const single = loadConfig({ REDIS_REPLICA_WAIT_MS: '800' }).redis;
    expect(single.sentinels).toBeUndefined();
    expect(single.replicaWaitMs).toBe(0);
  });

  it.each([
    ['ROLE', { ROLE: 'both' }],
    ['REDIS_PREFIX', { REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_PREFIX: '{stepup}' }],
    ['REDIS_PREFIX', { REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_PREFIX: 'step}up' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: '127.0.0.1', REDIS_PREFIX: 'stepup' }],
    ['REDIS_SHARDS', { REDIS_SHARDS: '0' }],
    ['REDIS_SHARDS', { REDIS_SHARDS: '1025' }],
    ['REDIS_SENTINELS', { REDIS_SENTINELS: '127.0.0.1', REDIS_SENTINEL_NAME: 'stepup' }],
    ['REDIS_SENTINEL_NAME', { REDIS_SENTINELS: '127.0.0.1:26379' }],
    ['REDIS_SENTINELS', { REDIS_SENTINEL_NAME: 'stepup' }],
    ['REDIS_SENTINEL_NAME', { REDIS_SENTINELS: '127.0.0.1:26379', REDIS_SENTINEL_NAME: 'a b' }],
    [
      'REDIS_CLUSTER_NODES',
      {
        REDIS_SENTINELS: '127.0.0.1:26379',
        REDIS_SENTINEL_NAME: 'stepup',
        REDIS_CLUSTER_NODES: '127.0.0.1:7000',
        REDIS_PREFIX: 'stepup',
      },
    ],
    ['REDIS_REPLICA_WAIT_MS', { REDIS_REPLICA_WAIT_MS: '-1' }],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: '10' }],
    ['USER_MAX_PENDING', { USER_MAX_PENDING: '0' }],
    ['RATE_LIMIT_PER_CLIENT_PER_MINUTE', { RATE_LIMIT_PER_CLIENT_PER_MINUTE: '600' }],
    ['RATE_LIMIT_WINDOW_MS', { RATE_LIMIT_WINDOW_MS: '10' }],
  ])('names %s when it is invalid', (variable, env) => {
    expect(configProblemsOf(env).some((p) => p.includes(variable))).toBe(true);
  });
});
