import { DEVELOPMENT_CLIENT, SIMULATOR_DEFAULT_API_KEY } from '../../src/config/config.loader';
import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import { ApiClient } from '../helpers/api-client';
import { BANK_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

interface DemoApproval {
  id: string;
  userId: string;
  message: string;
  transaction?: typeof PAYMENT;
  status: string;
  expiresAt: string;
  eventsUrl: string;
  approvedBy?: string;
  receipt?: string;
}

const PAYMENT = { amount: '1250.00', currency: 'EUR', payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' } };

describe('Demo page backend (development client, bundled simulator)', () => {
  let t: TestApp;
  let demo: ApiClient;

  // CLIENTS '' counts as unset: the development client is in use, so the demo is served.
  beforeAll(async () => {
    t = await startTestApp({ CLIENTS: '' });
    demo = new ApiClient(t.url);
  });
  afterAll(() => t.close());

  async function start(userId = newUserId()): Promise<DemoApproval> {
    const res = await demo.request<DemoApproval>('POST', '/demo/approvals', { userId, message: 'Wire $500 to account 1234' });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('serves one self-contained page whose scripts only run with the response nonce', async () => {
    const res = await fetch(`${t.url}/demo`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('data-phone="true"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    expect(html).not.toContain(DEVELOPMENT_CLIENT.apiKey);
  });

  it('starts a pending approval as the development client and returns how to follow it, never a key', async () => {
    const approval = await start();
    expect(approval).toMatchObject({ status: 'pending', message: 'Wire $500 to account 1234' });
    expect(approval.eventsUrl).toMatch(new RegExp(`^/v1/approvals/${approval.id}/events\\?token=`));
    expect(JSON.stringify(approval)).not.toContain(DEVELOPMENT_CLIENT.apiKey);
    const owned = await t.api(DEVELOPMENT_CLIENT.apiKey).get(approval.id);
    expect(owned.body).toMatchObject({ status: 'pending', metadata: { source: 'demo' } });
  });

  it.each([
    [{ userId: 'not-hex', message: 'Wire' }, 'userId'],
    [{ userId: 'A1B2', message: '' }, 'message'],
    [{ userId: 'A1B2', message: 'Wire', callbackUrl: 'http://localhost:3000/hook' }, 'callbackUrl'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const res = await demo.request<{ errors: { field: string }[] }>('POST', '/demo/approvals', body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toContain(field);
  });

  it("lists the user's pending operation on the phone, and approving it there approves the approval", async () => {
    const userId = newUserId();
    const approval = await start(userId);
    const pending = await demo.request<unknown[]>('GET', `/demo/phone/${userId.toLowerCase()}/pending`);
    expect(pending.body).toEqual([{ operationId: approval.id, message: 'Wire $500 to account 1234', expiresAt: approval.expiresAt }]);

    const approved = await demo.request('POST', `/demo/phone/operations/${approval.id}/approve`, {});
    expect(approved.status).toBe(200);
    expect((await t.events.waitFor(approval.id, 'terminal')).event.type).toBe('approval.approved');
    expect((await demo.request<unknown[]>('GET', `/demo/phone/${userId}/pending`)).body).toEqual([]);
  });

  it('rejects on the phone, and a second decision is a 409', async () => {
    const approval = await start();
    expect((await demo.request('POST', `/demo/phone/operations/${approval.id}/reject`, {})).status).toBe(200);
    expect((await t.events.waitFor(approval.id, 'terminal')).event.type).toBe('approval.rejected');
    const again = await demo.request<{ code: string }>('POST', `/demo/phone/operations/${approval.id}/approve`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('operation_already_decided');
  });

  async function startPayment(userId = newUserId()): Promise<DemoApproval> {
    const res = await demo.request<DemoApproval>('POST', '/demo/approvals', { userId, transaction: PAYMENT });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('starts an approval bound to the payment, the phone message written by the service', async () => {
    const approval = await startPayment();
    expect(approval).toMatchObject({
      status: 'pending',
      transaction: PAYMENT,
      message: 'Approve payment of 1250.00 EUR\nto ACME Ltd\naccount DE89370400440532013000',
    });
    const owned = await t.api(DEVELOPMENT_CLIENT.apiKey).get(approval.id);
    expect(owned.body).toMatchObject({ transaction: PAYMENT, metadata: { source: 'demo' } });
  });

  it.each([
    [{ userId: 'A1B2', transaction: { ...PAYMENT, amount: '12.345' } }, 'transaction.amount'],
    [{ userId: 'A1B2', transaction: { ...PAYMENT, currency: 'XXY' } }, 'transaction.currency'],
    [{ userId: 'A1B2', transaction: { ...PAYMENT, payee: { name: '', account: '1' } } }, 'transaction.payee.name'],
    [{ userId: 'A1B2', transaction: { ...PAYMENT, amount: '1250' } }, 'transaction.amount'],
    [{ userId: 'A1B2', transaction: { ...PAYMENT, payee: { name: 'ACME\nLtd', account: '1' } } }, 'transaction.payee.name'],
    [{ userId: 'A1B2', message: 'Log in to online banking', transaction: PAYMENT }, 'message'],
    [{ userId: 'A1B2', message: 'Log in\u202e' }, 'message'],
  ])('refuses the payment %j with a 400 naming %s', async (body, field) => {
    const res = await demo.request<{ errors: { field: string }[] }>('POST', '/demo/approvals', body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toContain(field);
  });

  it('shows the payment on the phone: amount, currency and payee, from the approval', async () => {
    const userId = newUserId();
    const approval = await startPayment(userId);
    const pending = await demo.request<unknown[]>('GET', `/demo/phone/${userId}/pending`);
    expect(pending.body).toEqual([
      { operationId: approval.id, message: approval.message, transaction: PAYMENT, expiresAt: approval.expiresAt },
    ]);
  });

  it("approves in the bank's app: a simulator-signed JWT submitted to /signature, approvedBy signature, with a receipt", async () => {
    const userId = newUserId();
    const approval = await startPayment(userId);
    const res = await demo.request<DemoApproval>('POST', `/demo/approvals/${approval.id}/approve-in-app`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: approval.id, status: 'approved', approvedBy: 'signature' });
    expect(res.body.receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const terminal = await t.events.waitFor(approval.id, 'terminal');
    expect(terminal.event).toMatchObject({ type: 'approval.approved', data: { approvedBy: 'signature', receipt: res.body.receipt } });
    const owned = await t.api(DEVELOPMENT_CLIENT.apiKey).get(approval.id);
    expect(owned.body).toMatchObject({ status: 'approved', approvedBy: 'signature', signature: { alg: 'RS256' } });
    // Recognize keeps the push pending; the phone no longer shows it.
    expect((await demo.request<unknown[]>('GET', `/demo/phone/${userId}/pending`)).body).toEqual([]);
    const again = await demo.request<{ code: string }>('POST', `/demo/approvals/${approval.id}/cancel`, {});
    expect(again.status).toBe(409);
  });

  it('cancels as the demo client: the approval ends cancelled and leaves the phone', async () => {
    const userId = newUserId();
    const approval = await startPayment(userId);
    const res = await demo.request<DemoApproval>('POST', `/demo/approvals/${approval.id}/cancel`, {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect((await t.events.waitFor(approval.id, 'terminal')).event.type).toBe('approval.cancelled');
    expect((await demo.request<unknown[]>('GET', `/demo/phone/${userId}/pending`)).body).toEqual([]);
    const inApp = await demo.request<{ code: string }>('POST', `/demo/approvals/${approval.id}/approve-in-app`, {});
    expect(inApp.status).toBe(409);
    expect(inApp.body.code).toBe('approval_not_pending');
  });

  it('answers 404 for an unknown approval on cancel and approve-in-app, 400 for a malformed id', async () => {
    expect((await demo.request('POST', '/demo/approvals/op_missing/cancel', {})).status).toBe(404);
    expect((await demo.request('POST', '/demo/approvals/op_missing/approve-in-app', {})).status).toBe(404);
    expect((await demo.request('POST', '/demo/approvals/bad%20id/cancel', {})).status).toBe(400);
  });

  it('answers 404 for an unknown operation and 400 for a malformed user id', async () => {
    expect((await demo.request('POST', '/demo/phone/operations/no-such-op/approve', {})).status).toBe(404);
    expect((await demo.request('GET', '/demo/phone/xyz/pending')).status).toBe(400);
  });
});

describe('Demo phone after an approval expires', () => {
  it('leaves the phone once the approval has expired, although Recognize keeps the push pending', async () => {
    const t = await startTestApp({ CLIENTS: '', APPROVAL_TIMEOUT_S: '1' });
    try {
      const demo = new ApiClient(t.url);
      const userId = newUserId();
      const started = await demo.request<DemoApproval>('POST', '/demo/approvals', { userId, transaction: PAYMENT });
      expect(started.status).toBe(201);
      expect((await t.events.waitFor(started.body.id, 'terminal')).event.type).toBe('approval.expired');
      const atSimulator = await fetch(`${new URL(t.simulatorBaseUrl).origin}/_sim/operations/${started.body.id}`, {
        headers: { Authorization: `Bearer ${t.simulatorToken}` },
      });
      expect(((await atSimulator.json()) as { state: string }).state).toBe('pending');
      expect((await demo.request<unknown[]>('GET', `/demo/phone/${userId}/pending`)).body).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('Demo page configuration', () => {
  it('does not exist when CLIENTS is set and no DEMO_CLIENT_ID names a client', async () => {
    const t = await startTestApp();
    try {
      expect((await fetch(`${t.url}/demo`)).status).toBe(404);
      expect((await new ApiClient(t.url).request('POST', '/demo/approvals', { userId: 'A1B2', message: 'Wire' })).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('acts as DEMO_CLIENT_ID, and with a real Recognize the phone panel defers to the Recognize app', async () => {
    // A separate simulator plays "real" Recognize: the service reaches it by RECOGNIZE_BASE_URL, so it cannot drive its phone.
    const upstream = new RecognizeSimulator({ apiKey: SIMULATOR_DEFAULT_API_KEY });
    const baseUrl = await upstream.listen(0);
    const t = await startTestApp({
      DEMO_CLIENT_ID: BANK_APP.id,
      RECOGNIZE_BASE_URL: baseUrl,
      RECOGNIZE_API_KEY: SIMULATOR_DEFAULT_API_KEY,
    });
    try {
      const html = await (await fetch(`${t.url}/demo`)).text();
      expect(html).toContain('data-phone="false"');
      expect(html).toContain('Recognize app');
      const started = await new ApiClient(t.url).request<DemoApproval>('POST', '/demo/approvals', {
        userId: newUserId(),
        message: 'Wire $5 to account 9',
      });
      expect(started.status).toBe(201);
      expect(JSON.stringify(started.body)).not.toContain(BANK_APP.apiKey);
      expect((await t.api(BANK_APP.apiKey).get(started.body.id)).status).toBe(200);
      const phone = await new ApiClient(t.url).request<{ code: string }>('POST', `/demo/phone/operations/${started.body.id}/approve`, {});
      expect(phone.status).toBe(404);
      expect(phone.body.code).toBe('demo_phone_unavailable');
    } finally {
      await t.close();
      await upstream.close();
    }
  });
});
