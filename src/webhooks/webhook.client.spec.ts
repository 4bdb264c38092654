import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { AppConfig } from '../config/app.config';
import { MAX_DISCARDED_BODY_BYTES, WebhookClient } from './webhook.client';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const event = (id: string) => ({ id, type: 'approval.approved', createdAt: '2026-12-02T08:00:00.000Z', data: {} });

/** A receiver on loopback that answers as `answer` says and counts the connections it was opened. */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  const server: Server = createServer(answer);
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  };
  return { url, sockets, close };
}

function client(timeoutMs = 5_000): WebhookClient {
  const config = { webhooks: { timeoutMs, targets: { allowLoopback: true, allowedHosts: [], allowedCidrs: [] } } } as unknown as AppConfig;
  return new WebhookClient(config);
}

/** Resolves once `socket` has closed. */
const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

describe(WebhookClient.name, () => {
  const clients: WebhookClient[] = [];
  const made = (timeoutMs?: number) => {
    const c = client(timeoutMs);
    clients.push(c);
    return c;
  };
  afterEach(() => clients.splice(0).forEach((c) => c.onApplicationShutdown()));

  it('sends one delivery after another on the same kept-alive connection, the answers read off', async () => {
    const target = await receiver((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'));
    });
    const webhooks = made();
    for (const id of ['evt-1', 'evt-2', 'evt-3']) {
      expect((await webhooks.send(target.url, event(id), SECRET)).outcome).toEqual({ kind: 'delivered', statusCode: 200 });
    }
    expect(target.sockets.size).toBe(1);
    await target.close();
  });

  it('closes the connection of an answer longer than it reads off, and still reports the status', async () => {
    let server: Socket | undefined;
    const target = await receiver((req, res) => {
      server = req.socket;
      req.resume();
      res.writeHead(503, { 'retry-after': '7' });
      res.write(Buffer.alloc(MAX_DISCARDED_BODY_BYTES + 1024, 'x'));
      // The body never ends: only our side can close the connection.
    });
    const attempt = await made().send(target.url, event('evt-big'), SECRET);
    expect(attempt.outcome).toEqual({ kind: 'failed', statusCode: 503, error: 'answered 503', retryAfterMs: 7_000 });
    await closed(server!);
    await target.close();
  });

  it('closes the connection of an answer whose body is still arriving when the attempt times out', async () => {
    let server: Socket | undefined;
    const target = await receiver((req, res) => {
      server = req.socket;
      req.resume();
      res.writeHead(202);
      res.write('a few bytes, then nothing');
    });
    const attempt = await made(300).send(target.url, event('evt-slow'), SECRET);
    expect(attempt.outcome).toEqual({ kind: 'delivered', statusCode: 202 });
    await closed(server!);
    await target.close();
  });
});
