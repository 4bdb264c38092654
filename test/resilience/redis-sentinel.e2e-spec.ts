import { FaultLoad, expectFaultContract } from '../helpers/fault-load';
import { LocalSentinel } from '../helpers/redis-sentinel';
import { newUserId } from '../helpers/test-app';

/**
 * Behind Redis Sentinel (a master, a replica, three sentinels of the test's own), under load: a
 * forced failover (SENTINEL FAILOVER) and a kill -9 of the master. The service finds the master
 * through the sentinels only (REDIS_URL points nowhere), follows +switch-master on every connection,
 * and answers 201 only for approvals a replica confirmed, so nothing answered 201 may be lost.
 */
jest.setTimeout(process.env.SOAK === '1' ? 60 * 60_000 : 420_000);

describe('Redis Sentinel failover under load', () => {
  const deployment = new LocalSentinel();
  const load = new FaultLoad();

  beforeAll(async () => {
    await deployment.start();
    await load.start({
      // Nothing listens here: the master can only be found through the sentinels.
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_SENTINELS: deployment.sentinels,
      REDIS_SENTINEL_NAME: deployment.name,
    });
  });
  afterAll(async () => {
    await load.close();
    await deployment.stop();
  });

  it('answers 503 storage_not_replicated, not 201, for an approval no replica confirmed; the same request again answers it', async () => {
    await deployment.settled();
    const api = load.client();
    const operationId = `unreplicated-${Date.now()}`;
    const body = { operationId, userId: newUserId(), message: 'Approve wire transfer of $500 to account 1234' };
    const refused = await deployment.withReplicaFrozen(() => api.create(body));
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ status: 503, code: 'storage_not_replicated' });
    expect(refused.headers.get('retry-after')).toBe('1');
    await deployment.settled();
    const again = await api.create(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: operationId, status: 'pending' });
  });

  it('a forced failover (SENTINEL FAILOVER) loses no 201 approval and decides each once', async () => {
    await deployment.settled();
    let old = 0;
    const figures = await load.run({
      begin: async () => {
        old = await deployment.masterPort();
        await deployment.failover();
      },
      recover: async () => {
        await deployment.promotedFrom(old);
        return Date.now();
      },
    });
    expectFaultContract('Sentinel forced failover', figures);
  });

  it('a kill -9 of the master loses no 201 approval and decides each once', async () => {
    await deployment.settled();
    let killed = 0;
    const figures = await load.run({
      begin: async () => {
        killed = await deployment.killMaster();
      },
      recover: async () => {
        await deployment.promotedFrom(killed);
        const backAt = Date.now();
        // The old master comes back from its AOF and the sentinels make it the new master's replica.
        await deployment.restart(killed);
        return backAt;
      },
    });
    expectFaultContract('Sentinel kill -9 of the master', figures);
  });
});
