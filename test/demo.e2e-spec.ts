import { DEVELOPMENT_CLIENT, SIMULATOR_DEFAULT_API_KEY } from '../src/config/config.loader';
import { RecognizeSimulator } from '../simulator/recognize.simulator';
import { ApiClient } from './helpers/api-client';
import { BANK_APP } from './helpers/clients';
import { TestApp, newUserId, startTestApp } from './helpers/test-app';

interface DemoApproval {
  id: string;
  userId: string;
  message: string;
  status: string;
  expiresAt: string;
  eventsUrl: string;
}

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
    expect(pending.body).toEqual([{ operationId: approval.id, message: 'Wire $500 to account 1234' }]);

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

  it('answers 404 for an unknown operation and 400 for a malformed user id', async () => {
    expect((await demo.request('POST', '/demo/phone/operations/no-such-op/approve', {})).status).toBe(404);
    expect((await demo.request('GET', '/demo/phone/xyz/pending')).status).toBe(400);
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
    const t = await startTestApp({ DEMO_CLIENT_ID: BANK_APP.id, RECOGNIZE_BASE_URL: baseUrl, RECOGNIZE_API_KEY: SIMULATOR_DEFAULT_API_KEY });
    try {
      const html = await (await fetch(`${t.url}/demo`)).text();
      expect(html).toContain('data-phone="false"');
      expect(html).toContain('Recognize app');
      const started = await new ApiClient(t.url).request<DemoApproval>('POST', '/demo/approvals', { userId: newUserId(), message: 'Wire $5 to account 9' });
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
