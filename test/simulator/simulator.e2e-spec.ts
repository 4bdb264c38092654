import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRemoteJWKSet, importSPKI, jwtVerify } from 'jose';
import { RecognizeSimulator, SIMULATED_CUSTOMER_API_KEY } from '../../simulator/recognize.simulator';
import { SIMULATOR_MAIN, ensureBuilt, freePort } from '../helpers/service-process';
import { SimulatorControl, SimulatorControlError } from '../helpers/simulator-control';

const API_KEY = 'sim-e2e-key';

describe(RecognizeSimulator.name, () => {
  let sut: RecognizeSimulator;
  let baseUrl: string;
  let control: SimulatorControl;
  let seq = 0;
  const nextOperationId = () => `sim-op-${++seq}`;

  const upstream = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'X-Api-Key': API_KEY, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  };
  const create = (userId: string, operationId: string, extra: object = {}) =>
    upstream('POST', `/users/${userId}/operations`, { operationId, ...extra });

  beforeAll(async () => {
    sut = new RecognizeSimulator({ apiKey: API_KEY });
    baseUrl = await sut.listen();
    control = new SimulatorControl(baseUrl, sut.controlToken);
  });
  afterEach(() => sut.reset());
  afterAll(() => sut.close());

  describe('upstream API', () => {
    it('serves its base URL under /v2 on loopback', () => {
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    });

    it('creates a pending operation and returns it with the upstream fields', async () => {
      const operationId = nextOperationId();
      const created = await create('A1B2C3', operationId, { externalUserId: 'ext@example.com', operationPayload: 'Pay 5' });
      expect(created.status).toBe(200);
      expect(created.json()).toEqual({ success: true });

      const got = await upstream('GET', `/operations/${operationId}`);
      expect(got.status).toBe(200);
      expect(got.json()).toEqual({
        id: expect.any(Number),
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/),
        nodeId: expect.any(String),
        userId: 'A1B2C3',
        apiKey: SIMULATED_CUSTOMER_API_KEY,
        operationId,
        operationPayload: 'Pay 5',
        externalUserId: 'ext@example.com',
        state: 'pending',
        result: false,
      });
    });

    it('numbers operations with increasing ids', async () => {
      const [first, second] = [nextOperationId(), nextOperationId()];
      await create('A1', first);
      await create('A1', second);
      const a = (await upstream('GET', `/operations/${first}`)).json();
      const b = (await upstream('GET', `/operations/${second}`)).json();
      expect(b.id).toBeGreaterThan(a.id);
    });

    it('lists only the pending operations of the user', async () => {
      const [pending, decided, other] = [nextOperationId(), nextOperationId(), nextOperationId()];
      await create('B0B0', pending, { operationPayload: 'p' });
      await create('B0B0', decided);
      await create('C0C0', other);
      await control.approve(decided);
      const list = await upstream('GET', '/users/B0B0/operations/pending');
      expect(list.json()).toEqual([{ operationId: pending, operationPayload: 'p' }]);
    });

    it.each([
      ['wrong key', { 'X-Api-Key': 'nope' }, 401],
      ['a non-JSON Accept', { Accept: 'text/html' }, 406],
    ])('refuses %s', async (_name, headers, status) => {
      const response = await upstream('GET', '/users/A1/operations/pending', undefined, headers);
      expect(response.status).toBe(status);
      expect(response.json()).toEqual({ error: expect.any(String) });
    });

    it('accepts an Accept header that allows JSON', async () => {
      const response = await upstream('GET', '/users/A1/operations/pending', undefined, { Accept: 'text/html, application/json;q=0.9' });
      expect(response.status).toBe(200);
    });

    it('refuses a create without JSON content type with 415', async () => {
      const response = await upstream('POST', '/users/A1/operations', JSON.stringify({ operationId: nextOperationId() }), {
        'Content-Type': 'text/plain',
      });
      expect(response.status).toBe(415);
    });

    it.each([
      ['malformed JSON', '{"operationId":'],
      ['a missing operationId', { externalUserId: 'x' }],
      ['a non-string operationPayload', { operationId: 'x-1', operationPayload: 5 }],
      ['an array body', ['x']],
    ])('refuses %s with 400', async (_name, body) => {
      expect((await upstream('POST', '/users/A1/operations', body)).status).toBe(400);
    });

    it('refuses a lower-case user id with 400', async () => {
      expect((await create('a1b2', nextOperationId())).status).toBe(400);
    });

    it('refuses a duplicate operationId with 409', async () => {
      const operationId = nextOperationId();
      await create('A1', operationId);
      expect((await create('A1', operationId)).status).toBe(409);
    });

    it('answers 404 for an unknown operation and an unknown route', async () => {
      expect((await upstream('GET', '/operations/never-created')).status).toBe(404);
      const unknown = await upstream('GET', '/nothing/here');
      expect(unknown.status).toBe(404);
      expect(unknown.json()).toEqual({ error: expect.any(String) });
    });

    it('reports decisions in the telemetry of the user and the external user', async () => {
      const [approved, rejected] = [nextOperationId(), nextOperationId()];
      await create('E1', approved, { externalUserId: 'jane@example.com' });
      await create('E1', rejected, { externalUserId: 'jane@example.com' });
      await control.approve(approved, 'pin', 'phone-1');
      await control.reject(rejected);

      const byUser = (await upstream('GET', `/users/E1/authentications?operationId=${approved}`)).json();
      expect(byUser).toEqual({
        page: { number: 0, size: 20, totalElements: 1, totalPages: 1 },
        content: [
          {
            userId: 'E1',
            authentications: [
              {
                createdAt: expect.any(String),
                result: 'APPROVED',
                errorCode: 0,
                operationId: approved,
                deviceId: 'phone-1',
                authType: 'pin',
              },
            ],
          },
        ],
      });
      const byExternal = (await upstream('GET', '/external-users/jane%40example.com/authentications')).json();
      expect(byExternal.content[0].externalUserId).toBe('jane@example.com');
      expect(byExternal.content[0].authentications.map((a: { result: string }) => a.result)).toEqual(['APPROVED', 'REJECTED']);
      expect((await upstream('GET', '/external-users/nobody/authentications')).status).toBe(404);
    });
  });

  describe('enrollment', () => {
    it('open: every hex user exists except DEAD… ones', async () => {
      expect((await create('ABCDEF', nextOperationId())).status).toBe(200);
      expect((await create('DEAD01', nextOperationId())).status).toBe(404);
      expect((await upstream('GET', '/users/DEAD01/operations/pending')).status).toBe(404);
      expect((await upstream('GET', '/users/DEAD01/authentications')).status).toBe(404);
    });

    it('open: a removed user is gone and an enrolled DEAD… user exists', async () => {
      await control.unenroll('ABC1');
      expect((await create('ABC1', nextOperationId())).status).toBe(404);
      await control.enroll('DEAD02');
      expect((await create('DEAD02', nextOperationId())).status).toBe(200);
    });

    it('closed: only configured and enrolled users exist', async () => {
      const closed = new RecognizeSimulator({ apiKey: API_KEY, enrollment: 'closed', users: ['AA11'] });
      const url = await closed.listen();
      try {
        const post = (userId: string) =>
          fetch(`${url}/users/${userId}/operations`, {
            method: 'POST',
            headers: { 'X-Api-Key': API_KEY, 'Content-Type': 'application/json' },
            body: JSON.stringify({ operationId: nextOperationId() }),
          }).then((r) => r.status);
        expect(await post('AA11')).toBe(200);
        expect(await post('BB22')).toBe(404);
        closed.enroll('BB22');
        expect(await post('BB22')).toBe(200);
      } finally {
        await closed.close();
      }
    });
  });

  describe('control API', () => {
    it('refuses every control request without the control token, or with a wrong one', async () => {
      const operationId = nextOperationId();
      await create('A1', operationId);
      const origin = new URL(baseUrl).origin;
      for (const headers of [{}, { Authorization: 'Bearer wrong-token' }, { Authorization: sut.controlToken }]) {
        const response = await fetch(`${origin}/_sim/operations/${operationId}/approve`, { method: 'POST', headers });
        expect(response.status).toBe(401);
        expect(await response.text()).not.toContain(sut.controlToken);
      }
      expect((await fetch(`${origin}/_sim/stats`)).status).toBe(401);
      expect((await control.getOperation(operationId)).state).toBe('pending');
    });

    it('uses the control token it is given, and answers its healthcheck without one', async () => {
      const given = new RecognizeSimulator({ apiKey: API_KEY, controlToken: 'a-token-chosen-by-the-operator' });
      const url = await given.listen();
      try {
        expect(given.controlToken).toBe('a-token-chosen-by-the-operator');
        await expect(new SimulatorControl(url, 'a-token-chosen-by-the-operator').stats()).resolves.toBeDefined();
        expect((await fetch(`${new URL(url).origin}/healthz`)).status).toBe(200);
      } finally {
        await given.close();
      }
    });

    it('approves an operation with an authType and emits decided', async () => {
      const operationId = nextOperationId();
      await create('A1', operationId);
      const decided = once(sut, 'decided');
      await control.approve(operationId, 'pin');
      const [event] = await decided;
      expect(event).toEqual({ operationId, at: expect.any(Number) });

      const got = (await upstream('GET', `/operations/${operationId}`)).json();
      expect(got).toMatchObject({ state: 'approved', result: true, authType: 'pin' });
      expect((await control.getOperation(operationId)).decidedAt).toBe(event.at);
    });

    it('rejects with state "rejected" by default, or with the state asked for', async () => {
      const [plain, odd] = [nextOperationId(), nextOperationId()];
      await create('A1', plain);
      await create('A1', odd);
      await control.reject(plain);
      await control.reject(odd, 'approved');
      expect((await upstream('GET', `/operations/${plain}`)).json()).toMatchObject({ state: 'rejected', result: false });
      expect((await upstream('GET', `/operations/${odd}`)).json()).toMatchObject({ state: 'approved', result: false });
    });

    it('refuses to decide an operation twice', async () => {
      const operationId = nextOperationId();
      await create('A1', operationId);
      await control.approve(operationId);
      await expect(control.reject(operationId)).rejects.toMatchObject({ status: 409 });
    });

    it('vanishes an operation so that upstream answers 404', async () => {
      const operationId = nextOperationId();
      await create('A1', operationId);
      await control.vanish(operationId);
      expect((await upstream('GET', `/operations/${operationId}`)).status).toBe(404);
      await expect(control.getOperation(operationId)).rejects.toBeInstanceOf(SimulatorControlError);
    });

    it('applies a fault the given number of times, with Retry-After', async () => {
      await control.fault({ status: 429, retryAfter: '7', times: 1, route: 'pending' });
      const throttled = await upstream('GET', '/users/A1/operations/pending');
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('7');
      expect((await upstream('GET', '/users/A1/operations/pending')).status).toBe(200);
    });

    it('targets faults by route and operation, first added first', async () => {
      const [target, other] = [nextOperationId(), nextOperationId()];
      await create('A1', target);
      await create('A1', other);
      await control.fault({ status: 503, route: 'get', operationId: target, times: 1 });
      await control.fault({ status: 500, route: 'get' });
      expect((await upstream('GET', `/operations/${other}`)).status).toBe(500);
      expect((await upstream('GET', `/operations/${target}`)).status).toBe(503);
      expect((await upstream('GET', `/operations/${target}`)).status).toBe(500);
      expect((await upstream('GET', '/users/A1/operations/pending')).status).toBe(200);
      await control.clearFaults();
      expect((await upstream('GET', `/operations/${target}`)).status).toBe(200);
    });

    it('answers 200 with a broken body for a malformed fault', async () => {
      await control.fault({ malformed: true, times: 1 });
      const response = await upstream('GET', '/users/A1/operations/pending');
      expect(response.status).toBe(200);
      expect(response.json).toThrow(SyntaxError);
    });

    it('refuses an invalid fault with 400', async () => {
      await expect(control.fault({ status: 42 })).rejects.toMatchObject({ status: 400 });
      await expect(control.fault({ times: 1 })).rejects.toMatchObject({ status: 400 });
    });

    it('counts requests per route and GETs per operation', async () => {
      const operationId = nextOperationId();
      await create('A1', operationId);
      await upstream('GET', `/operations/${operationId}`);
      await upstream('GET', `/operations/${operationId}`);
      await upstream('GET', '/users/A1/authentications');
      const stats = await control.stats();
      expect(stats.requests).toEqual({ create: 1, get: 2, pending: 0, authentications: 1 });
      expect(stats.getsByOperation).toEqual({ [operationId]: 2 });
      expect(stats.maxConcurrentGetsByOperation).toEqual({ [operationId]: 1 });
      expect(stats.maxConcurrentGets).toBe(1);
    });

    it('tracks GETs of one operation that are in flight together', async () => {
      const operationId = nextOperationId();
      await create('A1', operationId);
      // Held until clearFaults(), so both GETs are surely in flight together.
      await control.fault({ delayMs: 60_000, route: 'get', operationId, times: 2 });
      const arrived = new Promise<void>((resolve) => {
        let count = 0;
        const onRequest = (e: { route: string }) => {
          if (e.route === 'get' && ++count === 2) {
            sut.off('request', onRequest);
            resolve();
          }
        };
        sut.on('request', onRequest);
      });
      const gets = [upstream('GET', `/operations/${operationId}`), upstream('GET', `/operations/${operationId}`)];
      await arrived;
      expect(sut.stats()).toMatchObject({ maxConcurrentGetsByOperation: { [operationId]: 2 }, maxConcurrentGets: 2, maxInFlightGets: 2 });
      await control.clearFaults();
      expect((await Promise.all(gets)).map((r) => r.status)).toEqual([200, 200]);
    });

    it('resets operations, faults and counters', async () => {
      const operationId = nextOperationId();
      await create('A1', operationId);
      await control.fault({ status: 500 });
      await control.reset();
      expect((await upstream('GET', `/operations/${operationId}`)).status).toBe(404);
      expect((await control.stats()).requests).toEqual({ create: 0, get: 1, pending: 0, authentications: 0 });
    });
  });

  describe('transaction JWTs', () => {
    const TD = '{"approvalId":"op-1","message":"Pay 5"}';

    it("publishes its key set at Recognize's documented path, without an API key, and no other tenant's", async () => {
      expect(sut.jwksUrl()).toBe(`${new URL(baseUrl).origin}/customers/simulator/.well-known/jwks.json`);
      const res = await fetch(sut.jwksUrl());
      expect(res.status).toBe(200);
      const { keys } = (await res.json()) as { keys: { kid: string; alg: string; use: string; d?: string }[] };
      expect(keys.map((k) => [k.alg, k.kid, k.use])).toEqual([
        ['RS256', sut.signer.kids().RS256, 'sig'],
        ['ES256', sut.signer.kids().ES256, 'sig'],
      ]);
      expect(keys.every((k) => k.d === undefined)).toBe(true);
      expect((await fetch(`${new URL(baseUrl).origin}/customers/other/.well-known/jwks.json`)).status).toBe(404);
    });

    it('signs as the SDK would over the control API, and the signature verifies with the key set', async () => {
      const jwt = await control.signTransaction({ td: TD, alg: 'ES256', exp: 2_000_000_000 });
      const { payload, protectedHeader } = await jwtVerify(jwt, createRemoteJWKSet(new URL(sut.jwksUrl())), { algorithms: ['ES256'] });
      expect(protectedHeader).toEqual({ alg: 'ES256', kid: (await control.keyIds()).ES256, typ: 'JWT' });
      expect(payload).toEqual({ td: TD, iat: expect.any(Number), exp: 2_000_000_000 });
    });

    it('refuses a sign request with a bad field', async () => {
      await expect(control.signTransaction({ td: 5 as unknown as string })).rejects.toMatchObject({ status: 400 });
      await expect(control.signTransaction({ td: TD, alg: 'HS256' as 'RS256' })).rejects.toMatchObject({ status: 400 });
      await expect(control.signTransaction({ td: TD, exp: 1.5 })).rejects.toMatchObject({ status: 400 });
    });

    it('serves the PEM public key and the verify endpoint with the API key only', async () => {
      expect((await upstream('GET', '/jwt/public-key', undefined, { 'X-Api-Key': 'wrong' })).status).toBe(401);
      const pem = (await upstream('GET', '/jwt/public-key')).json() as { publicKey: string };
      const jwt = await control.signTransaction({ td: TD });
      await expect(jwtVerify(jwt, await importSPKI(pem.publicKey, 'RS256'))).resolves.toBeDefined();
      expect((await upstream('POST', '/jwt/verify', { jwt })).json()).toEqual({ result: true });
      expect((await upstream('POST', '/jwt/verify', { jwt: `${jwt.slice(0, -4)}AAAA` })).json()).toEqual({ result: false });
      expect((await upstream('POST', '/jwt/verify', {})).status).toBe(400);
    });

    it('rotates its keys on a control call: new kids, old JWTs no longer verify', async () => {
      const before = await control.keyIds();
      const old = await control.signTransaction({ td: TD });
      const kids = await control.rotateKeys();
      expect(kids.RS256).not.toBe(before.RS256);
      expect(kids.ES256).not.toBe(before.ES256);
      expect(((await (await fetch(sut.jwksUrl())).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual([
        kids.RS256,
        kids.ES256,
      ]);
      expect((await upstream('POST', '/jwt/verify', { jwt: old })).json()).toEqual({ result: false });
    });

    it('guards signing and rotation with the control token', async () => {
      const res = await fetch(`${new URL(baseUrl).origin}/_sim/keys/rotate`, { method: 'POST' });
      expect(res.status).toBe(401);
    });
  });

  describe('as its own process (node dist/simulator/main.js)', () => {
    /** Starts it, returns what it printed once listening, and stops it. */
    async function firstWords(env: Record<string, string>): Promise<string> {
      const child = spawn(process.execPath, [SIMULATOR_MAIN], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString('utf8');
            if (output.includes('listening')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
        });
        return output;
      } finally {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    }

    beforeAll(() => ensureBuilt(), 120_000);

    it('binds to loopback by default and prints the control token it made', async () => {
      const port = await freePort();
      const output = await firstWords({ SIMULATOR_PORT: String(port) });
      expect(output).toContain(`http://127.0.0.1:${port}/v2`);
      expect(output).toMatch(/control token: [\w-]{16,}/);
    });

    it('prints no token when SIMULATOR_CONTROL_TOKEN is given', async () => {
      const output = await firstWords({ SIMULATOR_PORT: String(await freePort()), SIMULATOR_CONTROL_TOKEN: 'token-the-operator-chose' });
      expect(output).not.toContain('token-the-operator-chose');
      expect(output).not.toMatch(/control token:/);
    });
  });
});
