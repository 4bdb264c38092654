import { randomUUID } from 'node:crypto';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/** Opens a stream and reports its status, then lets go of it (a pending approval's stream never ends by itself). */
async function streamStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  controller.abort();
  return response.status;
}

async function junk(t: TestApp, headers: Record<string, string> = {}): Promise<number> {
  return (await t.api('junk-key-0123456789').request('GET', `/v1/approvals/${randomUUID()}`, undefined, headers)).status;
}

describe('rate limits (contract v2)', () => {
  describe('with the defaults', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('lets a backend follow its approvals with 700 GETs at once (the old shared 600/min bucket refused them)', async () => {
      const api = t.api(BANK_APP.apiKey);
      const { body } = await api.create({ userId: newUserId() });
      const statuses: number[] = [];
      for (let batch = 0; batch < 14; batch++) {
        statuses.push(...(await Promise.all(Array.from({ length: 50 }, () => api.get(body.id)))).map((r) => r.status));
      }
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(t.config.runtime.rateLimit).toMatchObject({ windowMs: 1000, createsPerWindow: 100, requestsPerWindow: 1000 });
    });
  });

  describe('separate buckets', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        RATE_LIMIT_WINDOW_MS: '60000',
        RATE_LIMIT_REQUESTS: '5',
        RATE_LIMIT_CREATES: '3',
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5',
      });
    });
    afterAll(() => t.close());

    it('counts creations apart from every other request of the client', async () => {
      const api = t.api(BANK_APP.apiKey);
      const missing = `missing-${randomUUID()}`;
      for (let i = 0; i < 5; i++) expect((await api.get(missing)).status).toBe(404);
      const limited = await api.get(missing);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({
        code: 'too_many_requests',
        detail: expect.stringMatching(/at most 5 requests per 60 s for this client/),
      });

      const created = await api.create({ userId: newUserId() });
      expect(created.status).toBe(201);
      for (let i = 0; i < 2; i++) expect((await api.create({ userId: newUserId() })).status).toBe(201);
      const tooMany = await api.create({ userId: newUserId() });
      expect(tooMany.status).toBe(429);
      expect(tooMany.body).toMatchObject({ detail: expect.stringMatching(/approval creations/) });
      expect(Number(tooMany.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });

    it('keeps an anonymous flood in its own bucket: valid keys and eventsUrl streams still pass', async () => {
      const other = t.api(OTHER_APP.apiKey);
      const { body: approval } = await other.create({ userId: newUserId() });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push(await junk(t));
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);

      // Same address, but a token stream counts in no address bucket, and a valid key in its client's.
      expect(await streamStatus(new URL(approval.eventsUrl!, t.url).toString())).toBe(200);
      expect(await streamStatus(new URL(approval.eventsUrl!.replace('token=', '%74oken='), t.url).toString())).toBe(200);
      expect((await other.get(approval.id)).status).toBe(200);
    });

    it('never lets a token in the URL exempt a wrong key from the address bucket', async () => {
      // The flood above used the address's budget up: key guesses that carry a token are still refused.
      const status = await streamStatus(`${t.url}/v1/approvals/x/events?token=anything`, {
        authorization: 'Bearer guessed-key-0123456789',
      });
      expect(status).toBe(429);
    });
  });

  describe('TRUST_PROXY', () => {
    const flood = async (t: TestApp, forwardedFor: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push(await junk(t, { 'x-forwarded-for': forwardedFor }));
      return statuses;
    };

    it('counts callers by the address the trusted proxy forwards', async () => {
      const t = await startTestApp({ TRUST_PROXY: 'loopback', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' });
      try {
        expect(await flood(t, '203.0.113.7')).toEqual([401, 401, 401, 429]);
        expect(await junk(t, { 'x-forwarded-for': '203.0.113.8' })).toBe(401);
      } finally {
        await t.close();
      }
    });

    it('ignores X-Forwarded-For when no proxy is trusted: a caller cannot pick a fresh address', async () => {
      const t = await startTestApp({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' });
      try {
        expect(await flood(t, '203.0.113.7')).toEqual([401, 401, 401, 429]);
        expect(await junk(t, { 'x-forwarded-for': '203.0.113.8' })).toBe(429);
      } finally {
        await t.close();
      }
    });
  });
});
