import { DEVELOPMENT_CLIENT } from '../../src/config/config.loader';
import { ApiClient } from '../helpers/api-client';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/service-process';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

interface DemoTokenAnswer {
  status: number;
  body: Record<string, unknown>;
  retryAfter?: number;
  idToken?: { header: Record<string, unknown>; claims: Record<string, unknown> };
}

/** The demo page's "Sign in with CIBA": its backend, as the page's script calls it. */
describe('Demo page: Sign in with CIBA', () => {
  let t: TestApp;
  let demo: ApiClient;
  let issuer: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    // CLIENTS '' counts as unset: the development client is the demo client.
    t = await startTestApp({ CLIENTS: '', OIDC_ISSUER: issuer, CIBA_INTERVAL_S: '1', PORT: String(port) });
    demo = new ApiClient(t.url);
  });
  afterAll(() => t.close());

  it('offers the button on the page, and not without OIDC_ISSUER', async () => {
    const html = await (await fetch(`${t.url}/demo`)).text();
    expect(html).toContain('Sign in with CIBA');
    expect(html).toContain('id="ciba-polls"');
    const off = await startTestApp({ CLIENTS: '' });
    try {
      expect(await (await fetch(`${off.url}/demo`)).text()).not.toContain('Sign in with CIBA');
      expect((await fetch(`${off.url}/demo/ciba/discovery`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('shows the discovery document, the auth_req_id, the polls with slow_down, and the verified ID token', async () => {
    const discovery = await demo.request<Record<string, unknown>>('GET', '/demo/ciba/discovery');
    expect(discovery.body).toMatchObject({ issuer, token_endpoint: `${issuer}/oauth/token` });

    const userId = newUserId();
    const started = await demo.request<DemoTokenAnswer>('POST', '/demo/ciba/start', {
      userId,
      bindingMessage: 'Sign in to Northwind Bank',
    });
    expect(started.status).toBe(200);
    const { auth_req_id: authReqId, approval_id: approvalId } = started.body.body as { auth_req_id: string; approval_id: string };
    expect(authReqId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // An ordinary approval of the demo client.
    expect((await t.api(DEVELOPMENT_CLIENT.apiKey).get(approvalId)).body).toMatchObject({ userId, message: 'Sign in to Northwind Bank' });

    const poll = async () => (await demo.request<DemoTokenAnswer>('POST', '/demo/ciba/token', { authReqId })).body;
    expect((await poll()).body).toMatchObject({ error: 'authorization_pending' });
    const tooFast = await poll();
    expect(tooFast.body).toMatchObject({ error: 'slow_down' });
    expect(tooFast.retryAfter).toBe(6);

    expect((await demo.request('POST', `/demo/phone/operations/${approvalId}/approve`, {})).status).toBe(200);
    await eventually(async () => (await t.api(DEVELOPMENT_CLIENT.apiKey).get(approvalId)).body.status === 'approved', 'approved');
    const answer = await poll();
    expect(answer.status).toBe(200);
    expect(answer.idToken!.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(answer.idToken!.claims).toMatchObject({ iss: issuer, sub: userId, aud: DEVELOPMENT_CLIENT.id, approval_id: approvalId });
    // The page learns what the backend verified, never the tokens themselves.
    expect(answer.body).not.toHaveProperty('access_token');
    expect(answer.body).not.toHaveProperty('id_token');
  });

  it('refuses a start with a binding message the CIBA rules refuse, as the OAuth endpoint would', async () => {
    const res = await demo.request<DemoTokenAnswer>('POST', '/demo/ciba/start', { userId: newUserId(), bindingMessage: 'Pay <b>' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 400, body: { error: 'invalid_binding_message' } });
  });
});
