import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { ApiClient } from '../helpers/api-client';
import { newUserId, startTestApp, useTestApp } from '../helpers/test-app';

describe('Approval lifecycle (real Redis, BullMQ and the bundled simulator)', () => {
  const app = useTestApp();

  async function createPending(extra: Record<string, unknown> = {}) {
    const res = await app.bank.create({
      userId: newUserId().toLowerCase(),
      message: 'Approve wire transfer of $500 to account 1234',
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('creates a pending approval upstream, with the userId upper-cased and an eventsUrl', async () => {
    const approval = await createPending({
      operationId: 'txn-create-1',
      externalUserId: 'ann@example.com',
      metadata: { transferId: 'tr_1', list: [] },
    });
    expect(approval).toMatchObject({
      id: 'txn-create-1',
      operationId: 'txn-create-1',
      status: 'pending',
      externalUserId: 'ann@example.com',
      metadata: { transferId: 'tr_1', list: [] },
    });
    expect(approval.userId).toBe(approval.userId.toUpperCase());
    expect(approval.eventsUrl).toMatch(/^\/v1\/approvals\/txn-create-1\/events\?token=.+/);
    expect(Date.parse(approval.expiresAt) - Date.parse(approval.createdAt)).toBe(300_000);
    const upstream = await app.t.sim.getOperation('txn-create-1');
    expect(upstream).toMatchObject({
      userId: approval.userId,
      operationPayload: 'Approve wire transfer of $500 to account 1234',
      externalUserId: 'ann@example.com',
      state: 'pending',
    });
  });

  it('ends approved, with authType, when the user approves on the phone', async () => {
    const approval = await createPending();
    await app.t.sim.approve(approval.id, 'pin');
    const terminal = await app.t.events.waitFor(approval.id, 'terminal');
    expect(terminal.event.type).toBe('approval.approved');
    const res = await app.bank.get(approval.id);
    expect(res.body).toMatchObject({ status: 'approved', authType: 'pin' });
    expect(res.body.decidedAt).toEqual(expect.any(String));
  });

  it('ends rejected when upstream reports a decided state with result false', async () => {
    const approval = await createPending();
    await app.t.sim.reject(approval.id);
    expect((await app.t.events.waitFor(approval.id, 'terminal')).event.type).toBe('approval.rejected');
    expect((await app.bank.get(approval.id)).body.status).toBe('rejected');
  });

  it('ends expired after one last poll at the deadline when nobody decides', async () => {
    const approval = await createPending({ timeoutSeconds: 1 });
    const terminal = await app.t.events.waitFor(approval.id, 'terminal');
    expect(terminal.event.type).toBe('approval.expired');
    expect(Date.parse(terminal.event.createdAt)).toBeGreaterThanOrEqual(Date.parse(approval.expiresAt));
  });

  it('ends failed when the operation vanishes upstream', async () => {
    const approval = await createPending();
    await app.t.sim.vanish(approval.id);
    expect((await app.t.events.waitFor(approval.id, 'terminal')).event.type).toBe('approval.failed');
  });

  it('cancels a pending approval, and a later approval upstream changes nothing', async () => {
    const approval = await createPending();
    const cancelled = await app.bank.cancel(approval.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await app.t.sim.approve(approval.id);
    expect((await app.bank.cancel(approval.id)).status).toBe(409);
    const events = (await app.t.redis.lrange(app.t.keys.approvalEvents(approval.id), 0, -1)).map((e) => JSON.parse(e).type);
    expect(events).toEqual(['approval.pending', 'approval.cancelled']);
    expect((await app.bank.get(approval.id)).body.status).toBe('cancelled');
  });

  it('answers a re-POST of the same request with 200 and the same approval, creating nothing upstream', async () => {
    const body = { userId: newUserId(), operationId: 'txn-idem-1', message: 'same', metadata: { a: 1, b: 2 } };
    expect((await app.bank.create(body)).status).toBe(201);
    const creates = (await app.t.sim.stats()).requests.create;
    const again = await app.bank.create({ ...body, metadata: { b: 2, a: 1 } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe('txn-idem-1');
    expect((await app.t.sim.stats()).requests.create).toBe(creates);
  });

  it('answers 409 to the same operationId with other fields, or from another client', async () => {
    const body = { userId: newUserId(), operationId: 'txn-conflict-1', message: 'first' };
    expect((await app.bank.create(body)).status).toBe(201);
    expect((await app.bank.create({ ...body, message: 'second' })).status).toBe(409);
    expect((await app.t.api(OTHER_APP.apiKey).create(body)).status).toBe(409);
  });

  it('answers 409 when the operationId is already used upstream', async () => {
    const other = new ApiClient(app.t.url, OTHER_APP.apiKey);
    const userId = newUserId();
    expect((await other.create({ userId, operationId: 'txn-upstream-1' })).status).toBe(201);
    await app.t.redis.del(app.t.keys.approval('txn-upstream-1'));
    const res = await app.bank.create({ userId, operationId: 'txn-upstream-1' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'approval_conflict' });
  });

  it('answers 404 for a user Recognize does not know, leaving nothing behind', async () => {
    const res = await app.bank.create({ userId: 'DEAD0001', operationId: 'txn-unknown-user' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'user_not_found', status: 404 });
    expect((await app.bank.get('txn-unknown-user')).status).toBe(404);
  });

  it.each([
    [{ status: 500 }, 502],
    [{ status: 503 }, 502],
    [{ status: 429, retryAfter: '2' }, 503],
  ])('answers %j from Recognize on create with %i, leaving nothing behind', async (fault, expected) => {
    await app.t.sim.fault({ ...fault, route: 'create' });
    const res = await app.bank.create({ userId: newUserId(), operationId: `txn-down-${fault.status}` });
    expect(res.status).toBe(expected);
    expect(res.text).not.toContain('Error:');
    expect((await app.bank.get(`txn-down-${fault.status}`)).status).toBe(404);
    expect(await app.t.redis.exists(app.t.keys.approval(`txn-down-${fault.status}`))).toBe(0);
  });

  it('answers 503 when Recognize is unreachable', async () => {
    const down = await startTestApp({ RECOGNIZE_BASE_URL: 'http://127.0.0.1:9/v2', RECOGNIZE_API_KEY: 'k' });
    try {
      const res = await down.api(BANK_APP.apiKey).create({ userId: newUserId(), operationId: 'txn-unreachable' });
      expect(res.status).toBe(503);
      expect(await down.redis.exists(down.keys.approval('txn-unreachable'))).toBe(0);
    } finally {
      await down.close();
    }
  });

  it('still ends approved through 500s, 429 with Retry-After, and slow answers while polling', async () => {
    const approval = await createPending();
    await app.t.sim.fault({ route: 'get', status: 500, times: 3, operationId: approval.id });
    await app.t.sim.fault({ route: 'get', status: 429, retryAfter: '1', times: 1, operationId: approval.id });
    await app.t.sim.fault({ route: 'get', delayMs: 300, times: 2, operationId: approval.id });
    await app.t.sim.approve(approval.id, 'biom');
    const terminal = await app.t.events.waitFor(approval.id, 'terminal', 30_000);
    expect(terminal.event.type).toBe('approval.approved');
    expect((await app.t.sim.stats()).maxConcurrentGetsByOperation[approval.id]).toBe(1);
  });

  it('hides one client’s approvals from another (404) and never returns the Recognize API key', async () => {
    const approval = await createPending();
    const other = app.t.api(OTHER_APP.apiKey);
    expect((await other.get(approval.id)).status).toBe(404);
    expect((await other.cancel(approval.id)).status).toBe(404);
    await app.t.sim.approve(approval.id);
    await app.t.events.waitFor(approval.id, 'terminal');
    const res = await app.bank.get(approval.id);
    expect(res.text).not.toContain(app.t.config.recognize.apiKey);
    expect(res.text).not.toMatch(/apiKey/i);
  });

  it('answers 401 without a valid key', async () => {
    expect((await new ApiClient(app.t.url).get('x')).status).toBe(401);
    expect((await new ApiClient(app.t.url, 'wrong-key-0123456789').create({ userId: 'AB' })).status).toBe(401);
  });
});
