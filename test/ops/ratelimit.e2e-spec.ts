import { randomUUID } from 'node:crypto';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { newUserId, startTestApp, TestApp } from '../helpers/test-app';

function expectTooManyRequests(response: { status: number; headers: Headers; body: unknown }): void {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status: 429, code: 'too_many_requests' });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('per end-user limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ USER_MAX_PENDING: '2', USER_MAX_CREATIONS_PER_MINUTE: '4' });
  });

  afterAll(() => t.close());

  it('refuses a pending approval beyond USER_MAX_PENDING with 429, and creates nothing upstream', async () => {
    const api = t.api(BANK_APP.apiKey);
    const userId = newUserId();
    expect((await api.create({ userId })).status).toBe(201);
    expect((await api.create({ userId: userId.toLowerCase() })).status).toBe(201);

    const operationId = `refused-${randomUUID()}`;
    const refused = await api.create({ userId, operationId });
    expectTooManyRequests(refused);
    await expect(t.sim.getOperation(operationId)).rejects.toThrow();
    expect((await api.get(operationId)).status).toBe(404);
  });

  it('frees a slot when one of the pending approvals ends', async () => {
    const api = t.api(BANK_APP.apiKey);
    const userId = newUserId();
    const first = await api.create({ userId });
    await api.create({ userId });
    expect((await api.create({ userId })).status).toBe(429);

    expect((await api.cancel(first.body.id)).status).toBe(200);
    expect((await api.create({ userId })).status).toBe(201);
  });

  it('frees a slot when an approval is decided by polling', async () => {
    const api = t.api(BANK_APP.apiKey);
    const userId = newUserId();
    const first = await api.create({ userId });
    await api.create({ userId });
    await t.sim.approve(first.body.id);
    await t.events.waitFor(first.body.id, 'approval.approved');
    expect((await api.create({ userId })).status).toBe(201);
  });

  it('limits creations per user and minute even when each is cancelled at once', async () => {
    const api = t.api(BANK_APP.apiKey);
    const userId = newUserId();
    for (let i = 0; i < 4; i++) {
      const created = await api.create({ userId });
      expect(created.status).toBe(201);
      await api.cancel(created.body.id);
    }
    expectTooManyRequests(await api.create({ userId }));
    // Another user of the same client is not affected.
    expect((await api.create({ userId: newUserId() })).status).toBe(201);
  });

  it('does not count a repeated identical request (idempotent replay) as another approval', async () => {
    const api = t.api(BANK_APP.apiKey);
    const userId = newUserId();
    const body = { userId, operationId: `replay-${randomUUID()}` };
    expect((await api.create(body)).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await api.create(body)).status).toBe(200);
    expect((await api.create({ userId })).status).toBe(201);
  });

  it('gives the slot back when Recognize refuses the creation', async () => {
    const api = t.api(BANK_APP.apiKey);
    const userId = newUserId();
    await t.sim.fault({ route: 'create', status: 503, times: 1 });
    expect((await api.create({ userId })).status).toBeGreaterThanOrEqual(502);
    expect((await api.create({ userId })).status).toBe(201);
    expect((await api.create({ userId })).status).toBe(201);
  });
});

describe('per-client limit across instances', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const limits = { RATE_LIMIT_WINDOW_MS: '60000', RATE_LIMIT_REQUESTS: '6' };
    a = await startTestApp(limits, prefix);
    b = await startTestApp(limits, prefix);
  });

  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('counts one client on every instance sharing Redis and answers 429 beyond the limit', async () => {
    const missing = `missing-${randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await a.api(BANK_APP.apiKey).get(missing)).status);
    for (let i = 0; i < 3; i++) statuses.push((await b.api(BANK_APP.apiKey).get(missing)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404]);

    const limited = await b.api(BANK_APP.apiKey).get(missing);
    expectTooManyRequests(limited);
    expect((await a.api(BANK_APP.apiKey).get(missing)).status).toBe(429);
    // Creations have a bucket of their own (contract v2): reads cannot starve them.
    expect((await a.api(BANK_APP.apiKey).create({ userId: newUserId() })).status).toBe(201);

    // Another client has its own budget.
    expect((await a.api(OTHER_APP.apiKey).get(missing)).status).toBe(404);
  });
});
