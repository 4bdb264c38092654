import { randomUUID } from 'node:crypto';
import { Approval, ApiClient } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/** Consume once (contract v2), against two instances on one Redis prefix. */
describe('Consume once: POST /v1/approvals/{id}/consume', () => {
  let a: TestApp;
  let b: TestApp;
  let bankA: ApiClient;
  let bankB: ApiClient;

  beforeAll(async () => {
    a = await startTestApp();
    // Same prefix and the same simulator: the second instance serves the same approvals.
    b = await startTestApp({ RECOGNIZE_BASE_URL: a.simulatorBaseUrl, RECOGNIZE_API_KEY: 'simulator-api-key' }, a.prefix);
    bankA = a.api(BANK_APP.apiKey);
    bankB = b.api(BANK_APP.apiKey);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const consume = (api: ApiClient, id: string, body?: unknown) =>
    api.request('POST', `/v1/approvals/${encodeURIComponent(id)}/consume`, body);

  async function createPending(): Promise<Approval> {
    const res = await bankA.create({
      userId: newUserId(),
      transaction: { amount: '99.90', currency: 'EUR', payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' } },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function createApproved(): Promise<Approval> {
    const approval = await createPending();
    await a.sim.approve(approval.id, 'biom');
    expect((await a.events.waitFor(approval.id, 'terminal')).event.type).toBe('approval.approved');
    return approval;
  }

  it('lets exactly one of 50 concurrent consume calls on two instances win; the 49 others get approval_already_consumed', async () => {
    const { id } = await createApproved();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => consume(i % 2 ? bankB : bankA, id, { reference: `payment-${i}` })),
    );
    const won = answers.filter((r) => r.status === 200);
    const lost = answers.filter((r) => r.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const r of lost) expect(r.body).toMatchObject({ status: 409, code: 'approval_already_consumed' });
    const winner = won[0].body;
    expect(winner).toMatchObject({
      id,
      status: 'approved',
      consumedAt: expect.any(String),
      consumedReference: expect.stringMatching(/^payment-\d+$/),
    });
    expect((await bankB.get(id)).body).toMatchObject({ consumedAt: winner.consumedAt, consumedReference: winner.consumedReference });
  });

  it('answers 200, unchanged, to the same reference again, on either instance', async () => {
    const { id } = await createApproved();
    const first = await consume(bankA, id, { reference: 'payment-7731' });
    expect(first.status).toBe(200);
    const again = await consume(bankB, id, { reference: 'payment-7731' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ consumedAt: first.body.consumedAt, consumedReference: 'payment-7731' });
    expect((await consume(bankA, id, { reference: 'payment-7732' })).body).toMatchObject({ code: 'approval_already_consumed' });
  });

  it('answers 400 naming reference to three concurrent consumes without one, and leaves the approval unconsumed', async () => {
    // The review's replay: three payment systems consume at once without a reference; each got 200 before.
    const { id } = await createApproved();
    const answers = await Promise.all([consume(bankA, id), consume(bankB, id, {}), consume(bankA, id, { reference: null })]);
    expect(answers.map((r) => r.status)).toEqual([400, 400, 400]);
    for (const r of answers) {
      expect(r.body).toMatchObject({ status: 400 });
      expect(JSON.stringify(r.body)).toContain('reference');
    }
    expect((await bankB.get(id)).body).not.toHaveProperty('consumedAt');
  });

  it('lets exactly one of three concurrent consumes with different references win', async () => {
    const { id } = await createApproved();
    const answers = await Promise.all(
      ['payment-a', 'payment-b', 'payment-c'].map((reference, i) => consume(i % 2 ? bankB : bankA, id, { reference })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const winner = answers.find((r) => r.status === 200)!.body;
    expect((await bankA.get(id)).body).toMatchObject({ consumedAt: winner.consumedAt, consumedReference: winner.consumedReference });
  });

  it('matches no reference to an approval consumed before the reference was required', async () => {
    const { id } = await createApproved();
    // What a v2 consume without a reference left behind: consumedAt and no consumedReference.
    await a.redis.hset(a.keys.approval(id), 'consumedAt', new Date().toISOString());
    const res = await consume(bankA, id, { reference: 'payment-5' });
    expect(res.body).toMatchObject({ status: 409, code: 'approval_already_consumed' });
  });

  it('emits no event: consuming changes the approval after its terminal event', async () => {
    const { id } = await createApproved();
    expect((await consume(bankA, id, { reference: 'payment-2' })).status).toBe(200);
    // The replay of a decided approval's stream holds every event it has, and ends after the terminal one.
    const replay = await bankA.request('GET', `/v1/approvals/${encodeURIComponent(id)}/events`);
    expect(replay.text.match(/^event: .*$/gm)).toEqual(['event: approval.pending', 'event: approval.approved']);
  });

  it('refuses to consume an approval that is not approved with 409 approval_not_approved', async () => {
    const pending = await createPending();
    expect((await consume(bankA, pending.id, { reference: 'payment-3' })).body).toMatchObject({
      status: 409,
      code: 'approval_not_approved',
    });
    await a.sim.reject(pending.id);
    await a.events.waitFor(pending.id, 'terminal');
    expect((await consume(bankB, pending.id, { reference: 'payment-3' })).body).toMatchObject({
      status: 409,
      code: 'approval_not_approved',
    });
    expect((await bankA.get(pending.id)).body).not.toHaveProperty('consumedAt');
  });

  it('answers 404 to another client and to an unknown id, as GET does', async () => {
    const { id } = await createApproved();
    const other = a.api(OTHER_APP.apiKey);
    expect((await consume(other, id, { reference: 'payment-4' })).body).toMatchObject({ status: 404, code: 'approval_not_found' });
    expect((await bankA.get(id)).body).not.toHaveProperty('consumedAt');
    expect((await consume(bankA, `unknown-${randomUUID()}`, { reference: 'payment-4' })).status).toBe(404);
  });

  it.each([
    ['an empty reference', { reference: '' }],
    ['a reference over 128 chars', { reference: 'r'.repeat(129) }],
    ['a reference as a number', { reference: 7 }],
    ['an unknown field', { amount: '1.00', reference: 'payment-6' }],
    ['a missing reference', { reference: undefined }],
  ])('refuses %s with 400 naming the field', async (_name, body) => {
    const { id } = await createApproved();
    const res = await consume(bankA, id, body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(Object.keys(body)[0]);
    expect((await bankA.get(id)).body).not.toHaveProperty('consumedAt');
  });
});
