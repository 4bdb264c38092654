import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { BANK_APP } from '../helpers/clients';
import { EventWatcher } from '../helpers/event-watcher';
import { LocalRedisCluster, startLocalRedisCluster } from '../helpers/redis-cluster';
import { newUserId, startTestApp, TestApp } from '../helpers/test-app';

/** The service on a 3-master Redis Cluster: every key under the hash-tagged prefix, BullMQ included. */
describe('Redis Cluster', () => {
  const prefix = `{t-${randomUUID().slice(0, 8)}}`;
  let cluster: LocalRedisCluster;
  let t: TestApp;
  let events: EventWatcher;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startLocalRedisCluster();
    t = await startTestApp({ REDIS_CLUSTER_NODES: cluster.seeds }, prefix);
    // Every key of the prefix lives on the master of its hash tag's slot: watch the stream there.
    events = new EventWatcher(await cluster.masterFor(`${prefix}:events`), `${prefix}:events`);
    client = new Cluster(cluster.nodes);
  }, 120_000);

  afterAll(async () => {
    events?.close();
    await client?.quit();
    await t?.close();
    await cluster?.stop();
  });

  it('takes an approval from creation to approved, state and queue kept in the cluster', async () => {
    const api = t.api(BANK_APP.apiKey);
    const created = await api.create({ userId: newUserId(), message: 'Pay 10 EUR' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(await client.hget(`${prefix}:approval:${id}`, 'status')).toBe('pending');
    expect(await client.exists(`${prefix}:poll:meta`)).toBe(1);

    await t.sim.approve(id, 'pin');
    const approved = await events.waitFor(id, 'approval.approved');
    expect(approved.event.data).toMatchObject({ id, status: 'approved', authType: 'pin' });
    expect((await api.get(id)).body).toMatchObject({ status: 'approved' });
    expect(await client.hget(`${prefix}:approval:${id}`, 'status')).toBe('approved');
  });

  it('expires an approval nobody answers', async () => {
    const api = t.api(BANK_APP.apiKey);
    const created = await api.create({ userId: newUserId(), timeoutSeconds: 1 });
    expect(created.status).toBe(201);
    const expired = await events.waitFor(created.body.id, 'approval.expired');
    expect(expired.event.data).toMatchObject({ status: 'expired' });
    expect((await api.get(created.body.id)).body).toMatchObject({ status: 'expired' });
  });

  it('applies the per-user limit atomically on the cluster', async () => {
    const api = t.api(BANK_APP.apiKey);
    const userId = newUserId();
    const answers = await Promise.all([0, 1, 2, 3, 4].map(() => api.create({ userId })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 429, 429]);
  });
});
