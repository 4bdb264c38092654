import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ClientsRegistry } from '../../src/clients/clients.registry';
import { EventsTokenService } from '../../src/events/events-token.service';
import { ApiClient, ApiResponse } from '../helpers/api-client';
import { BANK_APP, OTHER_APP, clientSecrets } from '../helpers/clients';
import { CapturingReceiver } from '../helpers/service-process';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/**
 * Hostile callers: wrong, missing and other clients' keys, tampered, expired and reused SSE tokens,
 * callbackUrls outside callbackOrigins. Every answer, header, SSE stream, webhook and the /metrics
 * text seen here is kept and scanned at the end: no configured secret may appear in any of them.
 */
jest.setTimeout(120_000);

const RECOGNIZE_API_KEY = `rk-${randomUUID()}`;

describe('Hostile callers: authentication, SSE tokens, callback origins, secrets', () => {
  let t: TestApp;
  let bank: ApiClient;
  let receiver: CapturingReceiver;
  const seen: string[] = [];
  const tokens: string[] = [];

  const record = (res: ApiResponse<unknown>) => {
    seen.push(res.text, JSON.stringify([...res.headers.entries()]));
    const eventsUrl = (res.body as { eventsUrl?: string } | undefined)?.eventsUrl;
    if (eventsUrl) tokens.push(new URL(eventsUrl, 'http://x').searchParams.get('token')!);
    return res;
  };
  const call = async (apiKey: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    record(await new ApiClient(t.url, apiKey).request<unknown>(method, path, body, headers));
  const createPending = async () => {
    const res = await call(BANK_APP.apiKey, 'POST', '/v1/approvals', { userId: newUserId(), message: 'Wire $9,000' });
    expect(res.status).toBe(201);
    return res.body as { id: string; eventsUrl: string };
  };
  const raw = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(t.url + path, { headers });
    const text = await res.text();
    seen.push(text, JSON.stringify([...res.headers.entries()]));
    return { status: res.status, text };
  };

  beforeAll(async () => {
    receiver = new CapturingReceiver();
    const webhookUrl = await receiver.listen();
    t = await startTestApp({
      RECOGNIZE_API_KEY,
      CLIENTS: JSON.stringify([{ ...BANK_APP, webhookUrl }, OTHER_APP]),
      RATE_LIMIT_CREATES: '1000000',
      RATE_LIMIT_REQUESTS: '1000000',
    });
    bank = t.api(BANK_APP.apiKey);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('refuses any Authorization header that is not a configured key with 401', async () => {
    const header = fc.oneof(
      fc.string(),
      fc.string().map((s) => `Bearer ${s}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        `Basic ${Buffer.from(`x:${BANK_APP.apiKey}`).toString('base64')}`,
        `Bearer ${BANK_APP.apiKey}x`,
        `Bearer ${BANK_APP.apiKey.slice(0, -1)}`,
        `Bearer ${BANK_APP.apiKey.toUpperCase()}`,
        `Token ${BANK_APP.apiKey}`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        const res = await call(
          undefined,
          'POST',
          '/v1/approvals',
          { userId: newUserId() },
          { authorization: authorization.replace(/[\r\n\0]/g, '') },
        );
        expect(res.status).toBe(401);
      }),
      { numRuns: 60 },
    );
    expect((await call(undefined, 'GET', '/v1/approvals/anything')).status).toBe(401);
  });

  it("hides one client's approvals from another: 404 to read, cancel or follow", async () => {
    const approval = await createPending();
    expect((await call(OTHER_APP.apiKey, 'GET', `/v1/approvals/${approval.id}`)).status).toBe(404);
    expect((await call(OTHER_APP.apiKey, 'POST', `/v1/approvals/${approval.id}/cancel`)).status).toBe(404);
    expect((await raw(`/v1/approvals/${approval.id}/events`, { authorization: `Bearer ${OTHER_APP.apiKey}` })).status).toBe(404);
    expect((await bank.get(approval.id)).body.status).toBe('pending');
  });

  it('compares keys as fixed-length digests with timingSafeEqual: any length of key is a plain miss, never an error', async () => {
    // timingSafeEqual throws on buffers of unequal length: comparing raw keys would turn these into 500s.
    const registry = t.app.get(ClientsRegistry);
    for (const key of ['', 'x', BANK_APP.apiKey.slice(0, -1), `${BANK_APP.apiKey}x`, 'y'.repeat(100_000), '\u{1F600}'.repeat(50)]) {
      expect(registry.findByApiKey(key)).toBeUndefined();
    }
    expect(registry.findByApiKey(BANK_APP.apiKey)?.id).toBe(BANK_APP.id);
    expect((await call('z'.repeat(8000), 'GET', '/v1/approvals/x')).status).toBe(401);
  });

  it('refuses a tampered, truncated, re-signed or foreign SSE token, and one reused for another approval', async () => {
    const first = await createPending();
    const second = await createPending();
    const token = new URL(first.eventsUrl, 'http://x').searchParams.get('token')!;
    const [kid, issued, signature] = token.split('.');
    const forgedToken = new URL(second.eventsUrl, 'http://x').searchParams.get('token')!;
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const bad = [
      `${kid}.${issued}.${forgedToken.split('.')[2]}`,
      `${kid}.${issued}.${flip(signature, 3)}`,
      `${kid}.${(parseInt(issued, 36) + 600).toString(36)}.${signature}`,
      `kzz.${issued}.${signature}`,
      `${kid}.${issued}.`,
      `${kid}.${issued}`,
      `${token}.extra`,
      '',
    ];
    for (const candidate of bad) {
      expect((await raw(`/v1/approvals/${encodeURIComponent(first.id)}/events?token=${encodeURIComponent(candidate)}`)).status).toBe(401);
    }
    expect((await raw(`/v1/approvals/${encodeURIComponent(second.id)}/events?token=${encodeURIComponent(token)}`)).status).toBe(401);
    const tokens = t.app.get(EventsTokenService);
    const record = {
      id: first.id,
      clientId: BANK_APP.id,
      status: 'pending' as const,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    };
    expect(await tokens.verify(token, record)).toBe(true);
    expect(await tokens.verify(token, { ...record, clientId: OTHER_APP.id })).toBe(false);
    expect(await tokens.verify(token, record, Date.now() + (t.config.sse.tokenTtlS + 60) * 1000)).toBe(false);
  });

  it('refuses a callbackUrl outside the client’s callbackOrigins, creating nothing upstream', async () => {
    const before = (await t.sim.stats()).requests.create;
    for (const callbackUrl of [
      'https://evil.example/hook',
      'https://bank.example.evil.example/x',
      'http://bank.example/x',
      'https://bank.example:8443/x',
      'https://user@evil.example/x',
      'javascript:alert(1)',
      'file:///etc/passwd',
    ]) {
      const res = await call(BANK_APP.apiKey, 'POST', '/v1/approvals', { userId: newUserId(), callbackUrl });
      expect({ callbackUrl, status: res.status }).toEqual({ callbackUrl, status: 400 });
    }
    expect(
      (await call(OTHER_APP.apiKey, 'POST', '/v1/approvals', { userId: newUserId(), callbackUrl: 'https://bank.example/x' })).status,
    ).toBe(400);
    expect((await t.sim.stats()).requests.create).toBe(before);
  });

  it('never shows a secret in a response, header, SSE stream, webhook or metric', async () => {
    const approval = await createPending();
    const stream = raw(approval.eventsUrl);
    await t.sim.approve(approval.id);
    expect((await stream).text).toContain('approval.approved');
    await receiver.waitUntil(() => receiver.delivered().some((w) => w.body.includes(approval.id)), 60_000, 'webhook of the approval');
    for (const w of receiver.received) seen.push(w.body, JSON.stringify(w.headers));
    const metrics = await raw('/metrics');
    expect(metrics.status).toBe(200);

    const secrets = clientSecrets(RECOGNIZE_API_KEY);
    const everything = seen.join('\n');
    for (const secret of secrets) expect(everything.includes(secret) ? `found ${secret.slice(0, 8)}…` : 'absent').toBe('absent');
    // Tokens travel only inside their own approval's eventsUrl (answers, and since contract v2 the
    // event data, which equals GET): never in a header or a metric.
    const headersAndMetrics = [...receiver.received.map((w) => JSON.stringify(w.headers)), metrics.text].join('\n');
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(headersAndMetrics.includes(token)).toBe(false);
    for (const w of receiver.received) {
      const { data } = JSON.parse(w.body) as { data: { id: string; eventsUrl: string } };
      expect(data.eventsUrl).toMatch(`/v1/approvals/${encodeURIComponent(data.id)}/events?token=`);
    }
  });
});
