import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { RedisKeys } from '../../src/redis/redis.keys';
import { ShardMap } from '../../src/redis/shard-map';
import { FaultLoad, expectFaultContract } from '../helpers/fault-load';
import { eventually } from '../helpers/eventually';
import { LocalRedisCluster, startLocalRedisCluster } from '../helpers/redis-cluster';

const run = promisify(execFile);

/**
 * A Redis Cluster of three masters and three replicas (node timeout 3 s, full coverage not
 * required), under load: kill -9 of the master that holds the service's queues (`{<prefix>}`: the poll
 * ticks among them) and the shards whose slots it serves (5 or 6 of the 16), its replica promoted.
 * Creations answer 201 only once the replica confirmed them, so none is lost.
 */
jest.setTimeout(process.env.SOAK === '1' ? 30 * 60_000 : 300_000);

describe('Redis Cluster master kill -9 under load', () => {
  let cluster: LocalRedisCluster;
  const load = new FaultLoad();
  /** A key of the service's queues: its master holds them, and a third of the shards. */
  const queuesKey = () => `{${load.prefix}}:poll:meta`;

  beforeAll(async () => {
    cluster = await startLocalRedisCluster({ replicas: 1 });
    await load.start({ REDIS_CLUSTER_NODES: cluster.seeds });
  });
  afterAll(async () => {
    await load.close();
    await cluster?.stop();
  });

  /** Where each stuck approval's shard lives and what its keys hold, with the service's logs kept in a file. */
  async function diagnose(ids: string[]): Promise<string> {
    // The service runs with REDIS_SHARDS unset: 16 shards on a cluster.
    const keys = new RedisKeys(load.prefix, new ShardMap(load.prefix, 16, true));
    const redis = new Cluster(cluster.seeds.split(',').map((seed) => ({ host: seed.split(':')[0], port: Number(seed.split(':')[1]) })));
    const lines: string[] = [];
    try {
      for (const id of ids.slice(0, 40)) {
        const shard = keys.shardOf(id);
        const [status, due, failures, pending] = await Promise.all([
          redis.hget(keys.approval(id), 'status'),
          redis.zscore(keys.pollsDue(shard), id),
          redis.hget(keys.pollFailures(shard), id),
          redis.zscore(keys.pendingApprovals(shard), id),
        ]);
        lines.push(
          `${id}: shard ${shard} on ${await cluster.masterFor(keys.pollsDue(shard))}, status ${status}, due ${due} (now ${Date.now()}), failures ${failures}, pending index ${pending}`,
        );
      }
    } finally {
      redis.disconnect();
    }
    const logFile = join(tmpdir(), `stepup-cluster-fault-${Date.now()}.log`);
    await writeFile(logFile, load.service.logs);
    return `\nstuck approvals:\n${lines.join('\n')}\nservice logs: ${logFile}`;
  }

  it('keeps every 201 approval, decides each once, and is ready within 10 s of the replica taking over', async () => {
    const master = Number(new URL(await cluster.masterFor(queuesKey())).port);
    // A replica whose sync has not finished cannot be promoted: wait for it before the fault.
    await eventually(
      async () => /slave0:.*state=online/.test((await run('redis-cli', ['-p', String(master), 'info', 'replication'])).stdout),
      'the master to have its replica online',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    let killed = 0;
    const figures = await load.run({
      begin: async () => {
        killed = await cluster.killMasterFor(queuesKey());
      },
      recover: async () => {
        await cluster.promotedFor(queuesKey(), killed);
        return Date.now();
      },
    });
    // The worker watchdog's warnings: a BullMQ worker the failover left stuck is replaced.
    const recoveries = load.service.logs.split('\n').filter((line) => line.includes('replaced it with a fresh worker'));
    const stuck = figures.wrongStatus.map((line) => line.split(':')[0]);
    const diagnosis = stuck.length ? await diagnose(stuck) : '';
    expectFaultContract(
      'Cluster master kill -9',
      figures,
      `; ${recoveries.length} stalled worker(s) recovered\n${recoveries.join('\n')}${diagnosis}`,
    );
    expect(killed).toBe(master);
  });
});
