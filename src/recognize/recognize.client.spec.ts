import { createServer, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { RecognizeSimulator } from '../simulator/recognize.simulator';
import { RecognizeCircuitBreaker } from './circuit-breaker';
import { RecognizeClient, RecognizeObservation } from './recognize.client';
import {
  RecognizeBadRequestError,
  RecognizeConflictError,
  RecognizeNotFoundError,
  RecognizeThrottledError,
  RecognizeUnavailableError,
} from './recognize.errors';

const API_KEY = 'unit-secret-key';

describe(RecognizeClient.name, () => {
  let simulator: RecognizeSimulator;
  let baseUrl: string;
  let sut: RecognizeClient;
  let observations: RecognizeObservation[];
  let seq = 0;
  const nextOperationId = () => `unit-op-${++seq}`;

  beforeAll(async () => {
    simulator = new RecognizeSimulator({ apiKey: API_KEY });
    baseUrl = await simulator.listen();
  });
  beforeEach(() => {
    observations = [];
    sut = new RecognizeClient({ baseUrl, apiKey: API_KEY, timeoutMs: 5000, observer: (o) => observations.push(o) });
  });
  afterEach(async () => {
    await sut.close();
    simulator.reset();
  });
  afterAll(() => simulator.close());

  describe('status table', () => {
    it.each([
      [400, RecognizeBadRequestError],
      [406, RecognizeBadRequestError],
      [415, RecognizeBadRequestError],
      [404, RecognizeNotFoundError],
      [409, RecognizeConflictError],
      [429, RecognizeThrottledError],
      [401, RecognizeUnavailableError],
      [500, RecognizeUnavailableError],
      [503, RecognizeUnavailableError],
      [302, RecognizeUnavailableError],
      [418, RecognizeUnavailableError],
    ])('maps %i to %p', async (status, type) => {
      simulator.setFault({ status, times: 1 });
      const error = await sut.getOperation('any').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ upstreamStatus: status });
    });

    it('reads 401 as an unauthorized upstream, not the caller’s problem', async () => {
      simulator.setFault({ status: 401, times: 1 });
      await expect(sut.listPendingOperations('A1')).rejects.toMatchObject({ reason: 'unauthorized' });
    });

    it('carries Retry-After of a 429 as retryAfterMs', async () => {
      simulator.setFault({ status: 429, retryAfter: '3', times: 1 });
      await expect(sut.getOperation('any')).rejects.toMatchObject({ retryAfterMs: 3000 });
    });

    it('carries Retry-After of a 503 as retryAfterMs', async () => {
      simulator.setFault({ status: 503, retryAfter: '2', times: 1 });
      await expect(sut.getOperation('any')).rejects.toMatchObject({ reason: 'status', retryAfterMs: 2000 });
    });

    it('turns a 200 with a broken body into malformed', async () => {
      simulator.setFault({ malformed: true, times: 1 });
      await expect(sut.listPendingOperations('A1')).rejects.toMatchObject({ reason: 'malformed', upstreamStatus: 200 });
    });

    it('never puts the API key in an error message', async () => {
      simulator.setFault({ status: 500, times: 1 });
      const error = (await sut.getOperation('op-x').catch((e: unknown) => e)) as Error;
      expect(error.message).toBe('GET /operations/op-x: upstream answered 500');
      expect(JSON.stringify(error)).not.toContain(API_KEY);
    });
  });

  describe('transport', () => {
    it('maps a refused connection to connection', async () => {
      const closed = new RecognizeSimulator({ apiKey: API_KEY });
      const url = await closed.listen();
      await closed.close();
      const client = new RecognizeClient({ baseUrl: url, apiKey: API_KEY, timeoutMs: 5000 });
      const error = await client.getOperation('any').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecognizeUnavailableError);
      expect(error).toMatchObject({ reason: 'connection', message: expect.stringMatching(/^GET \/operations\/any: connection failed/) });
      await client.close();
    });

    it('maps a slow answer to timeout', async () => {
      const client = new RecognizeClient({ baseUrl, apiKey: API_KEY, timeoutMs: 50 });
      simulator.setFault({ delayMs: 60_000, times: 1 });
      await expect(client.getOperation('any')).rejects.toMatchObject({ reason: 'timeout' });
      await client.close();
    });
  });

  describe('operations', () => {
    it('creates an operation and reads it back without the customer apiKey', async () => {
      const operationId = nextOperationId();
      await sut.createOperation({ userId: 'A1B2', operationId, externalUserId: 'x@y.z', operationPayload: 'Pay' });
      const operation = await sut.getOperation(operationId);
      expect(operation).toEqual({
        id: expect.any(Number),
        timestamp: expect.any(String),
        nodeId: expect.any(String),
        userId: 'A1B2',
        operationId,
        externalUserId: 'x@y.z',
        operationPayload: 'Pay',
        state: 'pending',
        result: false,
      });
      expect(operation).not.toHaveProperty('apiKey');
    });

    it('url-encodes path segments', async () => {
      const operationId = 'weird/id?#%';
      await sut.createOperation({ userId: 'A1', operationId });
      await expect(sut.getOperation(operationId)).resolves.toMatchObject({ operationId });
    });

    it('lists pending operations and flattens authentications', async () => {
      const [first, second] = [nextOperationId(), nextOperationId()];
      await sut.createOperation({ userId: 'C1', operationId: first, externalUserId: 'ext-c1' });
      await sut.createOperation({ userId: 'C1', operationId: second, externalUserId: 'ext-c1' });
      simulator.approve(first, { authType: 'pin' });
      expect(await sut.listPendingOperations('C1')).toEqual([{ operationId: second, externalUserId: 'ext-c1' }]);
      expect(await sut.getUserAuthentications('C1', first)).toEqual([
        { createdAt: expect.any(String), result: 'APPROVED', errorCode: 0, operationId: first, deviceId: expect.any(String), authType: 'pin' },
      ]);
      simulator.reject(second);
      expect((await sut.getExternalUserAuthentications('ext-c1')).map((a) => a.result)).toEqual(['APPROVED', 'REJECTED']);
      expect(await sut.getExternalUserAuthentications('ext-c1', 'other')).toEqual([]);
    });
  });

  describe('observer', () => {
    it('is told once per request, with route template, status and outcome', async () => {
      simulator.setFault({ status: 503, times: 1 });
      await sut.getOperation('a').catch(() => undefined);
      await sut.getOperation('b').catch(() => undefined);
      expect(observations).toEqual([
        { route: '/operations/{operationId}', status: 503, outcome: 'upstream_error', durationMs: expect.any(Number) },
        { route: '/operations/{operationId}', status: 404, outcome: 'not_found', durationMs: expect.any(Number) },
      ]);
    });

    it('cannot break a call by throwing', async () => {
      const client = new RecognizeClient({ baseUrl, apiKey: API_KEY, timeoutMs: 5000, observer: () => { throw new Error('boom'); } });
      await expect(client.listPendingOperations('A1')).resolves.toEqual([]);
      await client.close();
    });
  });
  describe('against a hostile upstream', () => {
    let servers: Upstream[];
    const clientOf = (server: Upstream, extra: { timeoutMs?: number; maxResponseBytes?: number; maxConnections?: number } = {}) =>
      track(new RecognizeClient({ baseUrl: `${server.url}/v2`, apiKey: API_KEY, timeoutMs: 5000, ...extra }));
    let clients: RecognizeClient[];
    const track = (client: RecognizeClient) => (clients.push(client), client);

    beforeEach(() => {
      servers = [];
      clients = [];
    });
    afterEach(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(servers.map((s) => s.close()));
    });
    const serve = async (handler: RequestListener) => {
      const server = await upstream(handler);
      servers.push(server);
      return server;
    };

    it('refuses a body whose Content-Length is over the limit, as malformed', async () => {
      const server = await serve((_req, res) => sendJson(res, { operationId: 'x', state: 'pending', result: false, pad: 'p'.repeat(2048) }));
      const error = await clientOf(server, { maxResponseBytes: 1024 }).getOperation('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecognizeUnavailableError);
      expect(error).toMatchObject({ reason: 'malformed', upstreamStatus: 200, message: 'GET /operations/x: upstream answered a body over 1024 bytes' });
    });

    it('stops reading an endless chunked body at the limit and drops the connection', async () => {
      let sent = 0;
      const dropped = new Promise<void>((resolve) => {
        void serve(async (_req, res) => {
          res.on('close', resolve);
          res.writeHead(200, { 'Content-Type': 'application/json' });
          const chunk = Buffer.alloc(16 * 1024, 0x20);
          while (!res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) await drainedOrClosed(res);
          }
        }).then((server) => clientOf(server, { maxResponseBytes: 64 * 1024 }).getOperation('x').catch((e: unknown) => void errors.push(e)));
      });
      const errors: unknown[] = [];
      await dropped;
      await until(() => errors.length > 0);
      expect(errors[0]).toMatchObject({ reason: 'malformed', upstreamStatus: 200 });
      expect(sent).toBeGreaterThan(64 * 1024);
    });

    it('reads a body just within the limit', async () => {
      const body = { operationId: 'x', state: 'pending', result: false, pad: '' };
      body.pad = 'p'.repeat(1024 - JSON.stringify(body).length);
      const server = await serve((_req, res) => sendJson(res, body));
      await expect(clientOf(server, { maxResponseBytes: 1024 }).getOperation('x')).resolves.toMatchObject({ operationId: 'x' });
    });

    it('does not follow a redirect, so the key never travels to another origin', async () => {
      const elsewhere = await serve((_req, res) => sendJson(res, { operationId: 'x', state: 'approved', result: true }));
      const server = await serve((_req, res) => {
        res.writeHead(302, { Location: `${elsewhere.url}/v2/operations/x`, 'Content-Length': 0 });
        res.end();
      });
      const error = await clientOf(server).getOperation('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecognizeUnavailableError);
      expect(error).toMatchObject({ reason: 'status', upstreamStatus: 302 });
      expect(server.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
    });

    it('gives up on a server that accepts and never answers', async () => {
      const server = await serve(() => undefined);
      const error = await clientOf(server, { timeoutMs: 100 }).getOperation('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecognizeUnavailableError);
      expect(error).toMatchObject({ reason: 'timeout', message: 'GET /operations/x: no answer within 100 ms' });
    });

    it('gives up on a body that stops halfway', async () => {
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 100 });
        res.write('{"operationId":');
      });
      await expect(clientOf(server, { timeoutMs: 100 }).getOperation('x')).rejects.toMatchObject({ reason: 'timeout' });
    });

    it('sends the key and JSON headers, and reuses kept-alive connections for calls in turn', async () => {
      const server = await serve((_req, res) => sendJson(res, []));
      const client = clientOf(server);
      for (let i = 0; i < 10; i += 1) await client.listPendingOperations(`A${i}`);
      expect(server.requests.map((r) => [r.url, r.headers['x-api-key'], r.headers.accept])[9]).toEqual([
        '/v2/users/A9/operations/pending',
        API_KEY,
        'application/json',
      ]);
      // undici frees a connection a moment after the body ends, so a call sent at once may open a second one.
      expect(server.connections).toBeLessThanOrEqual(2);
    });

    it('opens no more connections than maxConnections', async () => {
      const server = await serve((_req, res) => setImmediate(() => sendJson(res, [])));
      const client = clientOf(server, { maxConnections: 2 });
      await Promise.all(Array.from({ length: 6 }, (_, i) => client.listPendingOperations(`A${i}`)));
      expect(server.requests).toHaveLength(6);
      expect(server.connections).toBe(2);
    });

    it('never puts the API key in an error, whatever the failure', async () => {
      const failing = await serve((req, res) => {
        if (req.url?.includes('hang')) return;
        if (req.url?.includes('big')) return sendJson(res, { pad: 'p'.repeat(4096) });
        if (req.url?.includes('move')) return void res.writeHead(307, { Location: `http://127.0.0.1:1/?k=${API_KEY}` }).end();
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ echoed: req.headers['x-api-key'] }));
      });
      const refused = await serve(() => undefined);
      await refused.close();
      const breaker = new RecognizeCircuitBreaker({ threshold: 1, halfOpenAfterMs: 60_000 });
      const client = clientOf(failing, { timeoutMs: 100, maxResponseBytes: 1024 });
      const errors = await Promise.all([
        client.getOperation('hang'),
        client.getOperation('big'),
        client.getOperation('move'),
        client.getOperation('fail'),
        clientOf(refused).getOperation('x'),
        track(new RecognizeClient({ baseUrl: failing.url, apiKey: API_KEY, timeoutMs: 5000, breaker })).getOperation('fail').then(
          () => undefined,
          () => breaker.execute('GET /operations/fail', () => Promise.resolve()),
        ),
      ].map((call) => call.then(() => undefined, (e: unknown) => e)));
      expect(errors.map((e) => (e as RecognizeUnavailableError).reason)).toEqual(['timeout', 'malformed', 'status', 'status', 'connection', 'circuit_open']);
      for (const error of errors as Error[]) {
        expect(`${error.message} ${error.stack} ${JSON.stringify(error)} ${String((error as { cause?: unknown }).cause)}`).not.toContain(API_KEY);
      }
    });
  });
});

interface Upstream {
  url: string;
  requests: IncomingMessage[];
  connections: number;
  close(): Promise<void>;
}

/** A one-off HTTP server on loopback standing in for a misbehaving Recognize. */
async function upstream(handler: RequestListener): Promise<Upstream> {
  const sockets = new Set<Socket>();
  const result = { requests: [] as IncomingMessage[], connections: 0 } as Upstream;
  const server = createServer((req, res) => {
    result.requests.push(req);
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    result.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  result.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  result.close = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return result;
}

function sendJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Resolves once `condition` holds, checking on every turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
