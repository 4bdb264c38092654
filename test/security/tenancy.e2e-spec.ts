import { randomUUID } from 'node:crypto';
import { SIMULATOR_DEFAULT_API_KEY } from '../../simulator/main';
import { ApiClient } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

describe('Limits and answers never leak across clients (issue 11, items 5 and 15)', () => {
  let t: TestApp;
  let bank: ApiClient;
  let other: ApiClient;

  beforeAll(async () => {
    t = await startTestApp({ USER_MAX_PENDING: '2', USER_MAX_CREATIONS_PER_MINUTE: '3' });
    bank = t.api(BANK_APP.apiKey);
    other = t.api(OTHER_APP.apiKey);
  });
  afterAll(() => t.close());

  it("one client filling a user's pending cap leaves that user's approvals at another client alone", async () => {
    const userId = newUserId();
    expect((await other.create({ userId, timeoutSeconds: 86400 })).status).toBe(201);
    expect((await other.create({ userId, timeoutSeconds: 86400 })).status).toBe(201);
    const refused = await other.create({ userId, timeoutSeconds: 86400 });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'too_many_requests' });

    expect((await bank.create({ userId })).status).toBe(201);
    expect((await bank.create({ userId })).status).toBe(201);
  });

  it("one client using up a user's creations per minute leaves another client's creations alone", async () => {
    const userId = newUserId();
    for (let i = 0; i < 3; i++) {
      const created = await other.create({ userId });
      expect(created.status).toBe(201);
      await other.cancel(created.body.id);
    }
    expect((await other.create({ userId })).status).toBe(429);
    expect((await bank.create({ userId })).status).toBe(201);
  });

  it('words the per-user 429s without any count', async () => {
    const userId = newUserId();
    await bank.create({ userId });
    await bank.create({ userId });
    const pending = await bank.create({ userId });
    expect(pending.status).toBe(429);
    expect(pending.body.detail).not.toMatch(/\d/);

    const other2 = newUserId();
    for (let i = 0; i < 3; i++) await bank.cancel((await bank.create({ userId: other2 })).body.id);
    const perMinute = await bank.create({ userId: other2 });
    expect(perMinute.status).toBe(429);
    expect(perMinute.body.detail).not.toMatch(/\d/);
  });

  describe("another client's operationId", () => {
    let elsewhere: TestApp;

    beforeAll(async () => {
      // A second deployment (another prefix) on the same Recognize: it knows nothing of t's records,
      // so its 409 for an id is exactly Recognize's own conflict.
      elsewhere = await startTestApp({
        RECOGNIZE_BASE_URL: t.simulatorBaseUrl,
        RECOGNIZE_API_KEY: SIMULATOR_DEFAULT_API_KEY,
        SIMULATOR_CONTROL_TOKEN: t.simulatorToken,
      });
    });
    afterAll(() => elsewhere.close());

    it('answers 409 byte for byte as an id already used upstream by anyone', async () => {
      const id = `shared-${randomUUID()}`;
      expect((await other.create({ userId: newUserId(), operationId: id })).status).toBe(201);
      const body = { userId: newUserId(), operationId: id, message: 'pay 1' };

      const here = await bank.create(body);
      const upstream = await elsewhere.api(BANK_APP.apiKey).create(body);
      expect(upstream.status).toBe(409);
      expect(here.status).toBe(409);
      expect(here.text).toBe(upstream.text);
      expect(here.headers.get('content-type')).toBe(upstream.headers.get('content-type'));
    });

    it("answers the same 409 while another client's creation of the id is still in flight", async () => {
      const id = `inflight-${randomUUID()}`;
      await t.redis.set(t.keys.reservation(id), `${OTHER_APP.id}|fingerprint`, 'PX', 60_000);
      const body = { userId: newUserId(), operationId: id };
      const here = await bank.create(body);

      expect((await elsewhere.api(OTHER_APP.apiKey).create({ userId: newUserId(), operationId: id })).status).toBe(201);
      const upstream = await elsewhere.api(BANK_APP.apiKey).create(body);
      expect(here.status).toBe(409);
      expect(upstream.status).toBe(409);
      expect(here.text).toBe(upstream.text);
    });

    it("answers another client's id no sooner than Recognize answers a create, so its timing does not tell it apart", async () => {
      // A process of its own, so that every create it has seen took Recognize at least SLOW_MS.
      const SLOW_MS = 400;
      const slow = await startTestApp();
      try {
        await slow.sim.fault({ route: 'create', delayMs: SLOW_MS, times: 3 });
        const ids = [0, 1, 2].map(() => `slow-${randomUUID()}`);
        for (const operationId of ids)
          expect((await slow.api(OTHER_APP.apiKey).create({ userId: newUserId(), operationId })).status).toBe(201);

        const startedAt = performance.now();
        const here = await slow.api(BANK_APP.apiKey).create({ userId: newUserId(), operationId: ids[0] });
        expect(here.status).toBe(409);
        // A lower bound on a deliberate wait, not a speed: unpadded, this answer comes back in a few ms.
        expect(performance.now() - startedAt).toBeGreaterThanOrEqual(SLOW_MS - 5);
      } finally {
        await slow.close();
      }
    });

    it('keeps its own wording for the same client reusing its id with other fields', async () => {
      const id = `mine-${randomUUID()}`;
      expect((await bank.create({ userId: newUserId(), operationId: id })).status).toBe(201);
      const again = await bank.create({ userId: newUserId(), operationId: id });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'approval_conflict', detail: expect.stringContaining('already used by another request') });
    });
  });
});

describe('Per-client storage quota (issue 11, item 15)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CLIENT_MAX_STORED_APPROVALS: '3' });
  });
  afterAll(() => t.close());

  it('refuses a creation beyond the quota with 429 storage_quota_exceeded, before anything is sent upstream', async () => {
    const bank = t.api(BANK_APP.apiKey);
    for (let i = 0; i < 3; i++) {
      const created = await bank.create({ userId: newUserId() });
      expect(created.status).toBe(201);
      // A decided approval is still stored (retention): it still counts.
      await bank.cancel(created.body.id);
    }
    const operationId = `over-quota-${randomUUID()}`;
    const refused = await bank.create({ userId: newUserId(), operationId });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ status: 429, code: 'storage_quota_exceeded' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expect(t.sim.getOperation(operationId)).rejects.toThrow();
    expect((await bank.get(operationId)).status).toBe(404);

    // Another client's share is its own.
    expect((await t.api(OTHER_APP.apiKey).create({ userId: newUserId() })).status).toBe(201);
  });

  it('does not count a creation that Recognize refused', async () => {
    const other = t.api(OTHER_APP.apiKey);
    await t.sim.fault({ route: 'create', status: 503, times: 1 });
    expect((await other.create({ userId: newUserId() })).status).toBeGreaterThanOrEqual(502);
    expect((await other.create({ userId: newUserId() })).status).toBe(201);
    expect((await other.create({ userId: newUserId() })).status).toBe(201);
    expect((await other.create({ userId: newUserId() })).status).toBe(429);
  });
});
