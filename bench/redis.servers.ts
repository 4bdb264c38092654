import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import calculateSlot from 'cluster-key-slot';
import Redis from 'ioredis';
import { startLocalRedisCluster, stopRedisServers } from '../test/helpers/redis-cluster';
import { freePort } from './service.process';
import { sleep } from './stats';

/**
 * Redis servers the bench starts itself on free loopback ports, so that their CPU counters hold the
 * service's work alone (the shared Redis serves other work too). No persistence on either layout, so
 * that what differs between them is the cluster and the shards.
 */
export interface BenchRedis {
  /** `1 Redis` or `3 masters`. */
  label: string;
  /** What the service is told: REDIS_URL, or REDIS_CLUSTER_NODES. */
  serviceEnv: Record<string, string>;
  /** redis:// URL of each master, in slot order on a cluster. */
  masterUrls: string[];
  /** redis:// URL of the master that holds `key`. */
  ownerOf(key: string): string;
  stop(): Promise<void>;
}

/** One redis-server, configured as the cluster's nodes are but for the cluster. */
export async function startSingleRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), `bench-redis-${port}-`));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const stop = () => stopRedisServers([child], [dir]);
  if (!(await answersPing(url))) {
    await stop();
    throw new Error(`redis-server did not start on port ${port}`);
  }
  return { label: '1 Redis', serviceEnv: { REDIS_URL: url }, masterUrls: [url], ownerOf: () => url, stop };
}

/** Three masters without replicas, started as the cluster tests start theirs (test/helpers/redis-cluster.ts). */
export async function startThreeMasters(): Promise<BenchRedis> {
  const cluster = await startLocalRedisCluster();
  try {
    const admin = new Redis(cluster.nodes[0].port, '127.0.0.1');
    const ranges = (await admin.call('CLUSTER', 'SLOTS').finally(() => admin.disconnect())) as [number, number, [string, number]][];
    ranges.sort((a, b) => a[0] - b[0]);
    const urlOf = (r: [number, number, [string, number]]) => `redis://127.0.0.1:${r[2][1]}`;
    return {
      label: '3 masters',
      // REDIS_URL only lends its credentials on a cluster; it names a master here all the same.
      serviceEnv: { REDIS_URL: `redis://${cluster.seeds.split(',')[0]}`, REDIS_CLUSTER_NODES: cluster.seeds },
      masterUrls: [...new Set(ranges.map(urlOf))],
      ownerOf(key: string) {
        const slot = calculateSlot(key);
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        if (!range) throw new Error(`no master serves slot ${slot}`);
        return urlOf(range);
      },
      stop: () => cluster.stop(),
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

async function answersPing(url: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    // Refused until the server listens: the rejected connect() says so, the event need not.
    probe.on('error', () => undefined);
    const ok = await probe
      .connect()
      .then(() => probe.ping())
      .then((r) => r === 'PONG')
      .catch(() => false)
      .finally(() => probe.disconnect());
    if (ok) return true;
    await sleep(100);
  }
  return false;
}
