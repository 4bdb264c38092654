import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Approval, ApiClient } from '../helpers/api-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';
import { transactionDataFor, transactionHashOf } from '../../src/transactions/transaction';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const hashOf = (a: Approval): string =>
  typeof a.transactionHash === 'string' ? a.transactionHash : transactionHashOf(transactionDataFor(a.id, { message: a.message }));

/**
 * Receipts end to end: the real app, real Redis, the simulator, a real webhook receiver, and receipts
 * checked exactly as an integrator would, against the published /.well-known/jwks.json.
 */
describe('approval receipts', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  let bank: ApiClient;
  const client = {
    id: 'receipt-bank',
    apiKey: 'receipt-bank-key-0123456789',
    webhookSecret: secret,
    callbackOrigins: [] as string[],
  };

  /** What an integrator does: the service's key set, fetched and cached by jose, and every claim it relies on checked. */
  const verifyReceipt = async (receipt: string) =>
    jwtVerify(receipt, createRemoteJWKSet(new URL('/.well-known/jwks.json', t.url)), {
      algorithms: ['ES256'],
      typ: 'approval-receipt+jwt',
      issuer: 'stepup-orchestrator',
      audience: client.id,
    });

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({
      CLIENTS: JSON.stringify([{ ...client, webhookUrl: `${receiver.origin}/hooks` }]),
      WEBHOOK_RETRY_BASE_MS: '50',
    });
    bank = t.api(client.apiKey);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function create(message = 'Approve payment of 90.00 EUR to ACME Ltd'): Promise<Approval> {
    const res = await bank.create({ userId: newUserId(), message });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('publishes the receipt keys without authentication, public parts only', async () => {
    const res = await fetch(new URL('/.well-known/jwks.json', t.url));
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys)
      expect(key).toEqual({
        kid: expect.any(String),
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        alg: 'ES256',
        use: 'sig',
      });
  });

  it('gives an approval a push approved a receipt that verifies with the published keys, stating the decision', async () => {
    const approval = await create();
    await t.sim.approve(approval.id, 'biom');
    const terminal = await t.events.waitFor(approval.id, 'approval.approved');
    const got = (await bank.get(approval.id)).body;
    expect(typeof got.receipt).toBe('string');

    const { payload, protectedHeader } = await verifyReceipt(got.receipt as string);

    expect(protectedHeader).toEqual({
      alg: 'ES256',
      kid: expect.any(String),
      typ: 'approval-receipt+jwt',
    });
    expect(payload).toEqual({
      iss: 'stepup-orchestrator',
      sub: approval.userId,
      aud: client.id,
      jti: approval.id,
      iat: expect.any(Number),
      status: 'approved',
      approvedBy: 'push',
      decidedAt: got.decidedAt,
      transactionHash: hashOf(got),
      authType: 'biom',
    });
    expect(terminal.event.data.receipt).toBe(got.receipt);
  });

  it('gives an approval a signature approved a receipt with approvedBy signature', async () => {
    const approval = await create();
    const jwt = await t.sim.signTransaction({
      td: transactionDataFor(approval.id, { message: approval.message }),
    });
    const res = await bank.request('POST', `/v1/approvals/${approval.id}/signature`, { jwt });
    expect(res.status).toBe(200);
    const { payload } = await verifyReceipt(res.body.receipt as string);
    expect(payload).toMatchObject({
      jti: approval.id,
      approvedBy: 'signature',
      decidedAt: res.body.decidedAt,
      transactionHash: hashOf(res.body),
    });
    expect(payload).not.toHaveProperty('authType');
  });

  it('refuses a receipt under another audience, and one whose claims were changed', async () => {
    const approval = await create();
    await t.sim.approve(approval.id);
    await t.events.waitFor(approval.id, 'approval.approved');
    const receipt = (await bank.get(approval.id)).body.receipt as string;
    await expect(
      jwtVerify(receipt, createRemoteJWKSet(new URL('/.well-known/jwks.json', t.url)), { audience: 'other-bank' }),
    ).rejects.toThrow();
    const [header, , signature] = receipt.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        jti: approval.id,
        aud: client.id,
        status: 'approved',
        transactionHash: 'x',
      }),
    ).toString('base64url');
    await expect(verifyReceipt(`${header}.${forged}.${signature}`)).rejects.toThrow();
  });

  it('gives no receipt to an approval that ends other than approved', async () => {
    const rejected = await create();
    await t.sim.reject(rejected.id);
    const terminal = await t.events.waitFor(rejected.id, 'approval.rejected');
    expect(terminal.event.data).not.toHaveProperty('receipt');
    expect((await bank.get(rejected.id)).body).not.toHaveProperty('receipt');
    const cancelled = await create();
    expect((await bank.cancel(cancelled.id)).body).not.toHaveProperty('receipt');
  });

  it('sends the receipt in the webhook of approval.approved, equal to what GET shows', async () => {
    const approval = await create();
    await t.sim.approve(approval.id);
    await t.events.waitFor(approval.id, 'approval.approved');
    // Earlier tests' approvals send webhooks too: wait for the one of this approval.
    type Hook = { type: string; data: Approval };
    let hooks: Hook[] = [];
    for (let n = 1; hooks.length === 0;) {
      const requests = await receiver.waitForRequests(n, '/hooks');
      hooks = requests.map((r) => JSON.parse(r.rawBody) as Hook).filter((b) => b.data.id === approval.id);
      n = requests.length + 1;
    }
    const got = (await bank.get(approval.id)).body;
    expect(hooks).toHaveLength(1);
    expect(hooks[0].type).toBe('approval.approved');
    expect(hooks[0].data.receipt).toBe(got.receipt);
    await expect(verifyReceipt(hooks[0].data.receipt as string)).resolves.toBeDefined();
  });
});
