import { randomUUID } from 'node:crypto';
import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import { ApiClient } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { PrivateRedis } from '../helpers/private-redis';
import { ServiceProcess, ensureBuilt, freePort } from '../helpers/service-process';
import { newUserId } from '../helpers/test-app';
import { eventually } from '../helpers/eventually';

/** Redis restarts and reconnects take seconds: probe every 200 ms for up to a minute. */
const SLOW = { timeoutMs: 60_000, intervalMs: 200 };

/**
 * Redis trouble while the service runs (the built service, on a Redis of this test's own): dropped
 * connections and a Redis restart. The process stays up, readiness tells the truth, work resumes.
 */
jest.setTimeout(180_000);

describe('Redis outages while the service runs', () => {
  const redis = new PrivateRedis();
  let sim: RecognizeSimulator;
  let service: ServiceProcess;
  let api: ApiClient;
  let exited = false;

  const ready = async () => (await fetch(`${service.url}/health/ready`)).status;
  beforeAll(async () => {
    ensureBuilt();
    await redis.start();
    sim = new RecognizeSimulator({ apiKey: 'rk-redis-suite' });
    service = new ServiceProcess(await freePort(), {
      NODE_ENV: 'test',
      REDIS_URL: redis.url,
      REDIS_PREFIX: `t-redis-${randomUUID().slice(0, 8)}`,
      RECOGNIZE_BASE_URL: await sim.listen(),
      RECOGNIZE_API_KEY: 'rk-redis-suite',
      CLIENTS: JSON.stringify([BANK_APP, OTHER_APP]),
      POLL_INTERVAL_MS: '200',
      POLL_LEASE_MS: '2000',
      RECOGNIZE_TIMEOUT_MS: '1000',
    });
    await service.start();
    void service.exit.then(() => (exited = true));
    api = new ApiClient(service.url, BANK_APP.apiKey);
  });
  afterAll(async () => {
    await service?.stop();
    await sim?.close();
    await redis.close();
  });

  it('reconnects after every connection is dropped (CLIENT KILL), and keeps working', async () => {
    const approval = (await api.create({ userId: newUserId() })).body;
    expect(await redis.killClients()).toBeGreaterThan(0);
    sim.approve(approval.id);
    await eventually(async () => (await api.get(approval.id)).body.status === 'approved', 'the approval to be approved', SLOW);
    expect(await ready()).toBe(200);
    expect(exited).toBe(false);
  });

  it('survives a Redis restart: readiness and the API say 503 during it, and an approval decided meanwhile ends approved', async () => {
    const approval = (await api.create({ userId: newUserId() })).body;
    expect(approval.status).toBe('pending');
    await redis.stop();
    await eventually(async () => (await ready()) === 503, 'readiness to answer 503', SLOW);
    // An outage the caller waits out, named as one: not a 500 with an error id to quote.
    for (const refused of [await api.create({ userId: newUserId() }), await api.get(approval.id)]) {
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('storage_unavailable');
      expect(refused.headers.get('retry-after')).toBe('1');
    }
    expect(service.logs).not.toContain('Unhandled error');
    sim.approve(approval.id, { authType: 'pin' });
    await redis.start();
    await eventually(async () => (await ready()) === 200, 'readiness to answer 200', SLOW);
    await eventually(async () => (await api.get(approval.id)).body.status === 'approved', 'the approval to be approved', SLOW);
    expect((await api.create({ userId: newUserId() })).status).toBe(201);
    expect(exited).toBe(false);
  });
});
