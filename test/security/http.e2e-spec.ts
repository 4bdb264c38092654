import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BANK_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

const ADMIN = { ADMIN_USERNAME: 'operator', ADMIN_PASSWORD: randomBytes(18).toString('base64url') };
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

async function status(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('HTTP hardening', () => {
  const opsToken = randomBytes(32).toString('base64url');
  let t: TestApp;
  let dir: string;
  let logFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stepup-sec-'));
    logFile = join(dir, 'app.log');
    t = await startTestApp({ OPS_TOKEN: opsToken, LOG_DESTINATION: logFile, LOG_LEVEL: 'info', ...ADMIN });
  });

  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends Cache-Control: no-store on every /v1 answer, errors included', async () => {
    const api = t.api(BANK_APP.apiKey);
    const created = await api.create({ userId: newUserId() });
    const answers = [
      created,
      await api.get(created.body.id),
      await api.get('missing'),
      await t.api('wrong-key-0123456789').get(created.body.id),
      await api.create({ userId: 'not valid!' }),
      await api.cancel(created.body.id),
    ];
    expect(answers.map((a) => [a.status, a.headers.get('cache-control')])).toEqual([
      [201, 'no-store'],
      [200, 'no-store'],
      [404, 'no-store'],
      [401, 'no-store'],
      [400, 'no-store'],
      [200, 'no-store'],
    ]);
  });

  it.each(['/metrics', '/METRICS', '//metrics', '/docs', '/docs/', '/docs-json', '/docs-yaml'])(
    'requires OPS_TOKEN for %s',
    async (path) => {
      const anonymous = await status(`${t.url}${path}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await status(`${t.url}${path}`, { authorization: 'Bearer wrong-token' })).status).toBe(401);
    },
  );

  it('serves operators who present OPS_TOKEN', async () => {
    const auth = { authorization: `Bearer ${opsToken}` };
    expect((await status(`${t.url}/metrics`, auth)).status).toBe(200);
    expect((await status(`${t.url}/docs-json`, auth)).status).toBe(200);
  });

  it('answers readiness probes without details unless OPS_TOKEN is presented', async () => {
    const probe = await status(`${t.url}/health/ready`);
    expect(probe.status).toBe(200);
    expect(JSON.parse(probe.text)).toEqual({ status: 'ok' });
    const operator = await status(`${t.url}/health/ready`, { authorization: `Bearer ${opsToken}` });
    expect(JSON.parse(operator.text)).toMatchObject({ status: 'ok', info: { redis: { status: 'up' } } });
    expect((await status(`${t.url}/health/live`)).status).toBe(200);
  });

  it('redacts an eventsUrl token in the log however its name is encoded', async () => {
    const token = `tok-${randomBytes(12).toString('hex')}`;
    for (const name of ['token', '%74oken', '%54OKEN', 'token%5B%5D']) {
      expect((await status(`${t.url}/v1/approvals/x/events?${name}=${token}`)).status).toBe(401);
    }
    const log = await waitForLog(logFile, (text) => (text.match(/\/v1\/approvals\/x\/events/g) ?? []).length >= 4);
    expect(log).not.toContain(token);
    expect(log).toContain('%74oken=[redacted]');
  });

  it('answers 429 to an address after 10 failed admin logins, and a new browser there waits too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await status(`${t.url}/admin/queues/api/queues`, basic('operator', `guess-${i}-xxxxxxxx`))).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    const locked = await status(`${t.url}/admin/queues/api/queues`, basic(ADMIN.ADMIN_USERNAME, ADMIN.ADMIN_PASSWORD));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(locked.text)).toMatchObject({ status: 429, code: 'too_many_requests' });
  });

  it('never locks out the admin whose browser has signed in before: ten wrong guesses from the same address change nothing for it', async () => {
    const admin = await startTestApp({ ...ADMIN });
    try {
      const url = `${admin.url}/admin/queues/api/queues`;
      const signedIn = await status(url, basic(ADMIN.ADMIN_USERNAME, ADMIN.ADMIN_PASSWORD));
      expect(signedIn.status).toBe(200);
      const setCookie = signedIn.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^stepup_admin_device=[^;]+; Max-Age=\d+; Path=\/admin; HttpOnly; SameSite=Strict$/);
      const device = { cookie: setCookie.split(';')[0] };

      const guesses: number[] = [];
      for (let i = 0; i < 11; i++) guesses.push((await status(url, basic('operator', `guess-${i}-xxxxxxxx`))).status);
      expect(guesses).toEqual([...Array(10).fill(401), 429]);

      expect((await status(url, { ...basic(ADMIN.ADMIN_USERNAME, ADMIN.ADMIN_PASSWORD), ...device })).status).toBe(200);
      // The cookie grants nothing by itself, and a forged or altered one is an unknown browser.
      expect((await status(url, { ...basic('operator', 'wrong-password-xx'), ...device })).status).toBe(401);
      const forged = { cookie: device.cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) };
      expect((await status(url, { ...basic(ADMIN.ADMIN_USERNAME, ADMIN.ADMIN_PASSWORD), ...forged })).status).toBe(429);
    } finally {
      await admin.close();
    }
  });

  it.each([
    ['an approval', (u: string) => `${u}/v1/approvals/missing`, BANK_APP.apiKey],
    ['an unknown path', (u: string) => `${u}/no/such/path`, undefined],
    ['a refused operator route', (u: string) => `${u}/metrics`, undefined],
    ['the liveness probe', (u: string) => `${u}/health/live`, undefined],
    ['the key set', (u: string) => `${u}/.well-known/jwks.json`, undefined],
  ])('sends X-Content-Type-Options: nosniff on %s', async (_what, path, apiKey) => {
    const answer = await status(path(t.url), apiKey ? { authorization: `Bearer ${apiKey}` } : {});
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

/** The log file once `ready` holds: pino writes synchronously, but after the answer has left. */
async function waitForLog(file: string, ready: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(file, 'utf8');
    if (ready(text) || Date.now() > deadline) return text;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
