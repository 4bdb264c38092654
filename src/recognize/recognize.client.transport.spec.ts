import { createServer, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { RecognizeCircuitBreaker } from './circuit-breaker';
import { RecognizeClient } from './recognize.client';
import { RecognizeUnavailableError } from './recognize.errors';

const API_KEY = 'unit-secret-key';

/** The client against small loopback servers that misbehave in ways the simulator cannot. */
describe(`${RecognizeClient.name} against a hostile upstream`, () => {
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
    const error = await clientOf(server, { maxResponseBytes: 1024 })
      .getOperation('x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecognizeUnavailableError);
    expect(error).toMatchObject({
      reason: 'malformed',
      upstreamStatus: 200,
      message: 'GET /operations/x: upstream answered a body over 1024 bytes',
    });
  });

  it('stops reading an endless chunked body at the limit and drops the connection', async () => {
    let sent = 0;
    let dropped = () => {};
    const closed = new Promise<void>((resolve) => (dropped = resolve));
    const server = await serve(async (_req, res) => {
      res.on('close', dropped);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      while (!res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) await drainedOrClosed(res);
      }
    });
    const error = await clientOf(server, { maxResponseBytes: 64 * 1024 })
      .getOperation('x')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      reason: 'malformed',
      upstreamStatus: 200,
      message: 'GET /operations/x: upstream answered a body over 65536 bytes',
    });
    await closed;
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
    const error = await clientOf(server)
      .getOperation('x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecognizeUnavailableError);
    expect(error).toMatchObject({ reason: 'status', upstreamStatus: 302 });
    expect(server.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('gives up on a server that accepts and never answers', async () => {
    const server = await serve(() => undefined);
    const error = await clientOf(server, { timeoutMs: 100 })
      .getOperation('x')
      .catch((e: unknown) => e);
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

  it('fails calls made after close as connection errors', async () => {
    const server = await serve((_req, res) => sendJson(res, []));
    const client = clientOf(server);
    await client.listPendingOperations('A1');
    await client.close();
    await expect(client.listPendingOperations('A1')).rejects.toMatchObject({ reason: 'connection' });
    await client.close();
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
    const guarded = track(new RecognizeClient({ baseUrl: failing.url, apiKey: API_KEY, timeoutMs: 5000, breaker }));
    // Only the hanging call gets a short timeout: on a busy machine a 100 ms budget could end the others too.
    const impatient = clientOf(failing, { timeoutMs: 100 });
    const client = clientOf(failing, { maxResponseBytes: 1024 });
    const errors = await Promise.all(
      [
        impatient.getOperation('hang'),
        client.getOperation('big'),
        client.getOperation('move'),
        client.getOperation('fail'),
        clientOf(refused).getOperation('x'),
        guarded.getOperation('fail').catch(() => guarded.getOperation('fail')),
      ].map((call) =>
        call.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    expect(errors.map((e) => (e as RecognizeUnavailableError).reason)).toEqual([
      'timeout',
      'malformed',
      'status',
      'status',
      'connection',
      'circuit_open',
    ]);
    for (const error of errors as Error[]) {
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)} ${String((error as { cause?: unknown }).cause)}`).not.toContain(
        API_KEY,
      );
    }
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
