import { ApiClient } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/** The demo acts without a key: only its own page may drive it, and not too often (issue 11, item 11). */
describe('Demo routes against cross-site requests and floods', () => {
  const LIMIT = 12;
  let t: TestApp;
  let demo: ApiClient;

  // CLIENTS '' counts as unset: the development client is in use, so the demo is served.
  beforeAll(async () => {
    t = await startTestApp({ CLIENTS: '', DEMO_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    demo = new ApiClient(t.url);
  });
  afterAll(() => t.close());

  async function start(): Promise<{ id: string; status: string }> {
    const res = await demo.request<{ id: string; status: string }>('POST', '/demo/approvals', {
      userId: newUserId(),
      message: 'Wire $5 to account 9',
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('refuses a cross-site form post (urlencoded, multipart or text/plain) with 415, approving nothing', async () => {
    const approval = await start();
    const path = `/demo/phone/operations/${approval.id}/approve`;
    // What an HTML form on another site can send without a CORS preflight, with and without a body.
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', ''],
      ['application/x-www-form-urlencoded', 'x=1'],
      ['text/plain', ''],
      ['multipart/form-data; boundary=b', '--b--\r\n'],
    ] as const) {
      const res = await demo.request<{ code: string }>('POST', path, body, { 'content-type': type });
      expect({ type, body, status: res.status }).toEqual({ type, body, status: 415 });
      expect(res.body.code).toBe('unsupported_media_type');
    }
    const form = await demo.request('POST', '/demo/approvals', `userId=${newUserId()}&message=Wire`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect((await t.api('dev-client-key-change-me').get(approval.id)).body.status).toBe('pending');
  });

  it('refuses a JSON post that the browser says comes from another site, with 403', async () => {
    const approval = await start();
    const path = `/demo/phone/operations/${approval.id}/approve`;
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of crossSite) {
      const res = await demo.request<{ code: string; detail: string }>('POST', path, {}, headers);
      expect({ headers, status: res.status }).toEqual({ headers, status: 403 });
      expect(res.body.code).toBe('demo_cross_site_request');
    }
    expect((await t.api('dev-client-key-change-me').get(approval.id)).body.status).toBe('pending');
  });

  it('accepts what the demo page sends: JSON from its own origin', async () => {
    const approval = await start();
    const sameOrigin = { origin: t.url, 'sec-fetch-site': 'same-origin' };
    const res = await demo.request('POST', `/demo/phone/operations/${approval.id}/approve`, {}, sameOrigin);
    expect(res.status).toBe(200);
    expect((await t.events.waitFor(approval.id, 'terminal')).event.type).toBe('approval.approved');
  });

  it('throttles demo posts per address with 429, Retry-After and a problem body', async () => {
    let throttled: Awaited<ReturnType<ApiClient['request']>> | undefined;
    let sent = 0;
    while (!throttled && sent <= LIMIT) {
      sent += 1;
      const res = await demo.request('POST', '/demo/phone/operations/no-such-op/approve', {});
      if (res.status === 429) throttled = res;
      else expect(res.status).toBe(404);
    }
    expect(throttled).toBeDefined();
    expect(Number(throttled?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(throttled?.body).toMatchObject({ status: 429, code: 'too_many_requests' });
    expect((await demo.request('POST', '/demo/approvals', { userId: newUserId(), message: 'Wire' })).status).toBe(429);
    // Only the demo's posts are counted: the page itself and the API stay available.
    expect((await fetch(`${t.url}/demo`)).status).toBe(200);
  });
});

/** The phone routes need no key: they must act on the demo client's own approvals and nobody else's. */
describe("Demo phone routes and other clients' approvals", () => {
  let t: TestApp;
  let demo: ApiClient;
  const sameOrigin = () => ({ origin: t.url, 'sec-fetch-site': 'same-origin' });

  beforeAll(async () => {
    t = await startTestApp({ DEMO_CLIENT_ID: OTHER_APP.id });
    demo = new ApiClient(t.url);
  });
  afterAll(() => t.close());

  it.each(['approve', 'reject'])("answers 404 to a same-origin %s of another client's approval, which stays pending", async (decision) => {
    const userId = newUserId();
    const bank = t.api(BANK_APP.apiKey);
    const approval = (await bank.create({ userId, message: 'Wire EUR 9,999 to DE02…' })).body;
    const res = await demo.request<{ code: string }>('POST', `/demo/phone/operations/${approval.id}/${decision}`, {}, sameOrigin());
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('approval_not_found');
    expect((await demo.request<unknown[]>('GET', `/demo/phone/${userId}/pending`)).body).toEqual([]);
    // The phone was never told: the poll that follows still finds the operation pending.
    expect((await t.sim.getOperation(approval.id)).state).toBe('pending');
    expect((await bank.get(approval.id)).body.status).toBe('pending');
  });

  it("lists and decides the demo client's own approvals", async () => {
    const userId = newUserId();
    const own = (await demo.request<{ id: string }>('POST', '/demo/approvals', { userId, message: 'Wire $5 to account 9' }, sameOrigin()))
      .body;
    expect((await demo.request<{ operationId: string }[]>('GET', `/demo/phone/${userId}/pending`)).body.map((o) => o.operationId)).toEqual([
      own.id,
    ]);
    expect((await demo.request('POST', `/demo/phone/operations/${own.id}/approve`, {}, sameOrigin())).status).toBe(200);
    expect((await t.events.waitFor(own.id, 'terminal')).event.type).toBe('approval.approved');
  });
});
