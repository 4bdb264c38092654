import { randomUUID } from 'node:crypto';
import { UnsecuredJWT, decodeProtectedHeader } from 'jose';
import { Approval, ApiClient, ApiResponse } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { transactionDataFor } from '../../src/transactions/transaction';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

/** What the customer's app passes to the Recognize SDK: the approval's transactionData. */
const tdOf = (a: Approval): string =>
  typeof a.transactionData === 'string' ? a.transactionData : transactionDataFor(a.id, { message: a.message });
const nowS = () => Math.floor(Date.now() / 1000);

/**
 * POST /v1/approvals/{id}/signature end to end: the real app, real Redis, and the bundled simulator
 * signing transaction JWTs as the Recognize SDK would and publishing its key set.
 */
describe('signed transactions (POST /v1/approvals/{id}/signature)', () => {
  let t: TestApp;
  let bank: ApiClient;

  beforeAll(async () => {
    // Default settings: a rotated key is fetched for at once, whatever the 30 s cooldown.
    t = await startTestApp();
    bank = t.api(BANK_APP.apiKey);
  });
  afterAll(() => t.close());

  async function create(message = 'Approve payment of 1250.00 EUR to ACME Ltd'): Promise<Approval> {
    const res = await bank.create({ userId: newUserId(), message });
    expect(res.status).toBe(201);
    return res.body;
  }

  const submit = <T = Approval>(id: string, body: unknown, api: ApiClient = bank): Promise<ApiResponse<T>> =>
    api.request<T>('POST', `/v1/approvals/${encodeURIComponent(id)}/signature`, body);
  const eventCount = (id: string) => t.redis.llen(t.keys.approvalEvents(id));

  it.each(['RS256', 'ES256'] as const)('approves a pending approval with a %s JWT whose td is its transactionData', async (alg) => {
    const approval = await create();
    const jwt = await t.sim.signTransaction({ td: tdOf(approval), alg });

    const res = await submit(approval.id, { jwt });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: approval.id,
      status: 'approved',
      approvedBy: 'signature',
      signature: {
        kid: decodeProtectedHeader(jwt).kid,
        alg,
        issuedAt: expect.any(String),
        verifiedAt: expect.any(String),
      },
      receipt: expect.any(String),
    });
    const terminal = await t.events.waitFor(approval.id, 'terminal');
    expect(terminal.event.type).toBe('approval.approved');
    const { eventsUrl: _e, deliveries: _d, ...got } = (await bank.get(approval.id)).body;
    // eventsUrl carries a token issued per time window: the rest must be what GET shows.
    const { eventsUrl: _u, ...data } = terminal.event.data;
    expect(data).toEqual(got);
    expect(terminal.event.data.receipt).toBe(res.body.receipt);
  });

  describe('refuses a JWT that fails a check with 422 invalid_signature, naming the check, and changes nothing', () => {
    const cases: [string, RegExp, (a: Approval) => Promise<string>][] = [
      [
        'a td of another approval',
        /"td"/,
        async (a) =>
          t.sim.signTransaction({
            td: transactionDataFor(`${a.id}-other`, { message: a.message }),
          }),
      ],
      ['a td that differs by one character', /"td"/, async (a) => t.sim.signTransaction({ td: `${tdOf(a)} ` })],
      [
        'a bad signature',
        /"signature"/,
        async (a) => {
          const [header, payload] = (await t.sim.signTransaction({ td: tdOf(a) })).split('.');
          const [, , otherSignature] = (await t.sim.signTransaction({ td: 'something else' })).split('.');
          return `${header}.${payload}.${otherSignature}`;
        },
      ],
      ['alg none', /"alg"/, async (a) => new UnsecuredJWT({ td: tdOf(a) }).encode()],
      ['an expired JWT', /"exp"/, async (a) => t.sim.signTransaction({ td: tdOf(a), exp: nowS() - 10 })],
      ['an iat more than 60 s ahead', /"iat"/, async (a) => t.sim.signTransaction({ td: tdOf(a), iat: nowS() + 120 })],
      ['no iat (contract v3: required)', /"iat"/, async (a) => t.sim.signTransaction({ td: tdOf(a), iat: null })],
      [
        'an iat from 2001',
        /"iat".*2001-01-01/,
        async (a) => t.sim.signTransaction({ td: tdOf(a), iat: Date.parse('2001-01-01T00:00:00Z') / 1000 }),
      ],
      ['an nbf more than 60 s ahead', /"nbf"/, async (a) => t.sim.signTransaction({ td: tdOf(a), nbf: nowS() + 120 })],
      ['a kid not in the key set', /"kid"/, async (a) => t.sim.signTransaction({ td: tdOf(a), kid: 'no-such-kid' })],
    ];

    it.each(cases)('%s', async (_name, check, jwtFor) => {
      const approval = await create();
      const res = await submit<Problem>(approval.id, {
        jwt: await jwtFor(approval),
      });

      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        status: 422,
        code: 'invalid_signature',
      });
      expect(res.body.detail).toMatch(check);
      const after = (await bank.get(approval.id)).body;
      expect(after.status).toBe('pending');
      expect(after).not.toHaveProperty('signature');
      expect(await eventCount(approval.id)).toBe(1);
    });
  });

  it('answers 409 approval_not_pending for a valid JWT on a cancelled approval', async () => {
    const approval = await create();
    expect((await bank.cancel(approval.id)).status).toBe(200);
    const res = await submit<Problem>(approval.id, {
      jwt: await t.sim.signTransaction({ td: tdOf(approval) }),
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('approval_not_pending');
    expect((await bank.get(approval.id)).body).toMatchObject({
      status: 'cancelled',
    });
  });

  it('still answers 422 for an invalid JWT on a cancelled approval: the JWT is checked before the status', async () => {
    const approval = await create();
    await bank.cancel(approval.id);
    const res = await submit<Problem>(approval.id, {
      jwt: await t.sim.signTransaction({ td: 'other' }),
    });
    expect(res.status).toBe(422);
  });

  it.each([
    ['no jwt', {}],
    ['a jwt that is not a string', { jwt: 42 }],
    ['a jwt that is not a compact JWS', { jwt: 'not-a-jws' }],
    ['an unknown field', { jwt: 'a.b.c', extra: true }],
    ['a body that is not an object', [1]],
  ])('answers 400 naming the field for %s', async (_name, body) => {
    const approval = await create();
    const res = await submit<Problem>(approval.id, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    expect(res.body.errors?.length).toBeGreaterThan(0);
    expect((await bank.get(approval.id)).body.status).toBe('pending');
  });

  it("answers 404 for an unknown approval or another client's, before looking at the body", async () => {
    const approval = await create();
    const jwt = await t.sim.signTransaction({ td: tdOf(approval) });
    expect((await submit(approval.id, { jwt }, t.api(OTHER_APP.apiKey))).status).toBe(404);
    expect((await submit(approval.id, { jwt: 42 }, t.api(OTHER_APP.apiKey))).status).toBe(404);
    expect((await submit('no-such-approval', {})).status).toBe(404);
    expect((await bank.get(approval.id)).body.status).toBe('pending');
  });

  it('records a valid signature on an approval a push already approved: 200, no new event, approvedBy unchanged', async () => {
    const approval = await create();
    await t.sim.approve(approval.id);
    const terminal = await t.events.waitFor(approval.id, 'approval.approved');
    expect(terminal.event.data).toMatchObject({ approvedBy: 'push' });

    const jwt = await t.sim.signTransaction({
      td: tdOf(approval),
      alg: 'ES256',
    });
    const res = await submit(approval.id, { jwt });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'approved',
      approvedBy: 'push',
      signature: { alg: 'ES256' },
      receipt: terminal.event.data.receipt,
    });
    expect(await eventCount(approval.id)).toBe(2);
    // A second signature leaves the first one recorded.
    const again = await submit(approval.id, {
      jwt: await t.sim.signTransaction({ td: tdOf(approval), alg: 'RS256' }),
    });
    expect(again.status).toBe(200);
    expect(again.body.signature).toEqual(res.body.signature);
  });

  it('yields exactly one terminal event when a push decision and a signature race, every time', async () => {
    for (let run = 0; run < 20; run++) {
      const approval = await create(`Race ${run}`);
      const jwt = await t.sim.signTransaction({ td: tdOf(approval) });

      // The signature leaves 0-152 ms after the upstream decision, spread over the 100 ms poll interval,
      // so that either side wins in some runs; the assertions hold whichever does.
      const offsetMs = (run % 20) * 8;
      const [, res] = await Promise.all([
        t.sim.approve(approval.id),
        new Promise((r) => setTimeout(r, offsetMs)).then(() => submit(approval.id, { jwt })),
      ]);

      expect(res.status).toBe(200);
      const terminal = await t.events.waitFor(approval.id, 'terminal');
      const got = (await bank.get(approval.id)).body;
      expect(got).toMatchObject({
        status: 'approved',
        signature: res.body.signature,
      });
      expect(['push', 'signature']).toContain(got.approvedBy);
      expect(terminal.event.data).toMatchObject({
        status: 'approved',
        approvedBy: got.approvedBy,
        receipt: got.receipt,
      });
      expect(await eventCount(approval.id)).toBe(2);
      expect(t.events.all(approval.id).filter((e) => e.event.type !== 'approval.pending')).toHaveLength(1);
    }
  });

  it('never approves an approval re-created with the same id and payment with a JWT minted for the cancelled one before it', async () => {
    const body = {
      userId: newUserId(),
      operationId: `replay-${randomUUID()}`,
      transaction: {
        reference: 'Invoice 42',
        payee: { account: 'DE89370400440532013000', name: 'ACME Ltd' },
        currency: 'EUR',
        amount: '1250.00',
      },
    };
    const first = (await bank.create(body)).body;
    // The user authenticated for the first approval: iat within its 60 s of clock skew.
    const iat = Math.floor(Date.parse(first.createdAt) / 1000) - 59;
    const jwt = await t.sim.signTransaction({ td: tdOf(first), iat });
    expect((await bank.cancel(first.id)).status).toBe(200);
    // Every check of the JWT passes for the first approval: only its status refuses it.
    expect((await submit<Problem>(first.id, { jwt })).body.code).toBe('approval_not_pending');

    // Later (more than 60 s after iat), the first approval has left our retention and Recognize's
    // memory, and the same payment is asked for again under the same id.
    await eventually(() => Date.now() >= (iat + 61) * 1000, 'the clock passed iat + 61 s');
    const keys = t.keys;
    await t.redis.del(keys.approval(first.id), keys.approvalEvents(first.id));
    await t.sim.vanish(first.id);
    const second = await bank.create(body);
    expect(second.status).toBe(201);
    expect(tdOf(second.body)).toBe(tdOf(first));

    const replay = await submit<Problem>(first.id, { jwt });

    expect(replay.status).toBe(422);
    expect(replay.body).toMatchObject({ code: 'invalid_signature' });
    expect(replay.body.detail).toMatch(/"iat".*before the approval was created/);
    expect((await bank.get(first.id)).body).toMatchObject({ status: 'pending' });
    expect(await eventCount(first.id)).toBe(1);
  });

  it("accepts JWTs of Recognize's new keys after a rotation, without a restart, and refuses the retired ones", async () => {
    const before = await create();
    const oldJwt = await t.sim.signTransaction({
      td: tdOf(before),
      alg: 'ES256',
    });
    const stale = await create();
    const staleJwt = await t.sim.signTransaction({
      td: tdOf(stale),
      alg: 'ES256',
    });
    expect((await submit(before.id, { jwt: oldJwt })).status).toBe(200);

    const kids = await t.sim.rotateKeys();
    const after = await create();
    const newJwt = await t.sim.signTransaction({
      td: tdOf(after),
      alg: 'ES256',
    });
    expect(decodeProtectedHeader(newJwt).kid).toBe(kids.ES256);

    const res = await submit(after.id, { jwt: newJwt });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      approvedBy: 'signature',
      signature: { kid: kids.ES256 },
    });
    const refused = await submit<Problem>(stale.id, { jwt: staleJwt });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/"kid"/);
  });
});

describe('signed transactions with RECOGNIZE_JWT_ISSUER set (contract v3)', () => {
  const issuer = 'https://recognize.test/customers/bank';
  let t: TestApp;
  let bank: ApiClient;

  beforeAll(async () => {
    t = await startTestApp({ RECOGNIZE_JWT_ISSUER: issuer });
    bank = t.api(BANK_APP.apiKey);
  });
  afterAll(() => t.close());

  it.each([
    ['another iss', `${issuer}-other`],
    ['no iss', null],
  ])('refuses a JWT with %s: 422 invalid_signature naming iss, the approval unchanged', async (_name, iss) => {
    const approval = (await bank.create({ userId: newUserId(), message: 'Pay 5 EUR' })).body;
    const jwt = await t.sim.signTransaction({ td: tdOf(approval), iss });
    const res = await bank.request<Problem>('POST', `/v1/approvals/${approval.id}/signature`, { jwt });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'invalid_signature' });
    expect(res.body.detail).toMatch(/"iss"/);
    expect((await bank.get(approval.id)).body.status).toBe('pending');
  });

  it('approves with a JWT whose iss is the configured issuer', async () => {
    const approval = (await bank.create({ userId: newUserId(), message: 'Pay 5 EUR' })).body;
    const jwt = await t.sim.signTransaction({ td: tdOf(approval), iss: issuer });
    const res = await bank.request('POST', `/v1/approvals/${approval.id}/signature`, { jwt });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', approvedBy: 'signature' });
  });
});

describe("signed transactions checked with Recognize's PEM public key (no RECOGNIZE_JWKS_URL)", () => {
  let t: TestApp;
  let bank: ApiClient;

  beforeAll(async () => {
    // Empty counts as unset: the verifier falls back to the simulator's /jwt/public-key and /jwt/verify.
    t = await startTestApp({ RECOGNIZE_JWKS_URL: '' });
    bank = t.api(BANK_APP.apiKey);
  });
  afterAll(() => t.close());

  it('approves with an RS256 JWT verified with the PEM key, and refuses what that key cannot verify', async () => {
    expect(t.config.signatures.jwksUrl).toBeUndefined();
    const approval = (await bank.create({ userId: newUserId(), message: 'Pay 5 EUR' })).body;
    const es256 = await t.sim.signTransaction({
      td: tdOf(approval),
      alg: 'ES256',
    });
    const refused = await bank.request<Problem>('POST', `/v1/approvals/${approval.id}/signature`, { jwt: es256 });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/"alg"/);

    const jwt = await t.sim.signTransaction({
      td: tdOf(approval),
      alg: 'RS256',
    });
    const res = await bank.request('POST', `/v1/approvals/${approval.id}/signature`, { jwt });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'approved',
      approvedBy: 'signature',
      signature: { alg: 'RS256', kid: decodeProtectedHeader(jwt).kid },
    });
  });
});
