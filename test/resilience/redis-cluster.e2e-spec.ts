import calculateSlot from 'cluster-key-slot';
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { RedisSettingsCheck } from '../../src/lifecycle/redis-settings.check';
import { RedisKeys } from '../../src/redis/redis.keys';
import { BANK_APP } from '../helpers/clients';
import { LocalRedisCluster, startLocalRedisCluster } from '../helpers/redis-cluster';
import { newUserId, startTestApp, TestApp } from '../helpers/test-app';

/** The service on a 3-master Redis Cluster with a plain prefix: its data spread over 16 shards, one slot each. */
describe('Redis Cluster', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  let cluster: LocalRedisCluster;
  let t: TestApp;
  let keys: RedisKeys;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startLocalRedisCluster();
    t = await startTestApp({ REDIS_CLUSTER_NODES: cluster.seeds }, prefix);
    keys = t.app.get(RedisKeys);
    client = new Cluster(cluster.nodes);
  }, 120_000);

  afterAll(async () => {
    await client?.quit();
    await t?.close();
    await cluster?.stop();
  });

  /** The approval's status once it is no longer pending, read with the API's long-poll (at most 10 s per call). */
  async function decided(id: string): Promise<string> {
    const api = t.api(BANK_APP.apiKey);
    for (let i = 0; i < 6; i++) {
      const res = await api.request('GET', `/v1/approvals/${encodeURIComponent(id)}?wait=10`);
      if (res.body.status !== 'pending') return res.body.status;
    }
    throw new Error(`${id} still pending after a minute`);
  }

  it('takes an approval from creation to approved, its keys in its shard and its delivery queue there too', async () => {
    const api = t.api(BANK_APP.apiKey);
    const created = await api.create({ userId: newUserId(), message: 'Pay 10 EUR' });
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    const id = created.body.id;
    const shard = keys.shardOf(id);
    expect(await client.hget(keys.approval(id), 'status')).toBe('pending');
    expect(await client.zscore(keys.pollsDue(shard), id)).not.toBeNull();
    expect(calculateSlot(keys.approval(id))).toBe(calculateSlot(keys.pollsDue(shard)));
    expect(await client.exists(`{${prefix}}:poll:meta`)).toBe(1);

    await t.sim.approve(id, 'pin');
    expect(await decided(id)).toBe('approved');
    expect((await api.get(id)).body).toMatchObject({ status: 'approved', authType: 'pin' });
    expect(await client.hget(keys.approval(id), 'status')).toBe('approved');
    const [[, entry]] = (await client.xrevrange(keys.eventStream(shard), '+', '-', 'COUNT', 1)) as [string, string[]][];
    expect(entry).toEqual(expect.arrayContaining(['a', id]));
  });

  it('expires an approval nobody answers', async () => {
    const api = t.api(BANK_APP.apiKey);
    const created = await api.create({ userId: newUserId(), timeoutSeconds: 1 });
    expect(created.status).toBe(201);
    expect(await decided(created.body.id)).toBe('expired');
  });

  it('applies the per-user limit atomically on the cluster, whatever shards the approvals fall in', async () => {
    const api = t.api(BANK_APP.apiKey);
    const userId = newUserId();
    const answers = await Promise.all([0, 1, 2, 3, 4].map(() => api.create({ userId })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 429, 429]);
  });

  it("lists a client's approvals newest first across the shards, with a stable cursor", async () => {
    const api = t.api(BANK_APP.apiKey);
    const userId = newUserId();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api.create({ userId, operationId: `list-${prefix}-${i}` });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    expect(new Set(ids.map((id) => keys.shardOf(id))).size).toBeGreaterThan(1);
    const first = await api.request<{ data: { id: string }[]; nextCursor: string | null }>('GET', `/v1/approvals?userId=${userId}&limit=2`);
    const rest = await api.request<{ data: { id: string }[]; nextCursor: string | null }>(
      'GET',
      `/v1/approvals?userId=${userId}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect([...first.body.data, ...rest.body.data].map((a) => a.id)).toEqual([...ids].reverse());
    expect(rest.body.nextCursor).toBeNull();
  });

  it("reads every master's settings at start, naming the master that is unsafe", async () => {
    // The helper's masters run without replicas: min-replicas-to-write is 0 on each.
    const warnings = await t.app.get(RedisSettingsCheck).check();
    const masters = warnings.filter((w) => /min-replicas-to-write is 0/.test(w)).map((w) => /^Master (\S+):/.exec(w)?.[1]);
    expect(new Set(masters).size).toBe(3);
  });
});
