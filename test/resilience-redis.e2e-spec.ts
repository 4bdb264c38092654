import { randomUUID } from 'node:crypto';
import { RecognizeSimulator } from '../src/simulator/recognize.simulator';
import { ApiClient } from './helpers/api-client';
import { BANK_APP, OTHER_APP } from './helpers/clients';
import { PrivateRedis } from './helpers/private-redis';
import { ServiceProcess, ensureBuilt, freePort } from './helpers/service-process';
import { newUserId } from './helpers/test-app';

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
  /** Polls a probe as a load balancer would, until it gives `want` (reconnecting is ioredis's business). */
  const until = async (probe: () => Promise<unknown>, want: unknown, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = await probe().catch((e: Error) => e.message);
    while (last !== want && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      last = await probe().catch((e: Error) => e.message);
    }
    return last;
  };

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
    expect(await until(async () => (await api.get(approval.id)).body.status, 'approved')).toBe('approved');
    expect(await ready()).toBe(200);
    expect(exited).toBe(false);
  });

  it('survives a Redis restart: readiness says 503 during it, and an approval decided meanwhile ends approved', async () => {
    const approval = (await api.create({ userId: newUserId() })).body;
    expect(approval.status).toBe('pending');
    await redis.stop();
    expect(await until(ready, 503)).toBe(503);
    const refused = await api.create({ userId: newUserId() });
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(refused.status).toBeLessThan(600);
    sim.approve(approval.id, { authType: 'pin' });
    await redis.start();
    expect(await until(ready, 200)).toBe(200);
    expect(await until(async () => (await api.get(approval.id)).body.status, 'approved')).toBe('approved');
    expect((await api.create({ userId: newUserId() })).status).toBe(201);
    expect(exited).toBe(false);
  });
});
