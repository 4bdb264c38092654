import { createConnection, createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { BANK_APP } from '../helpers/clients';
import { REDIS_URL, TestApp, newUserId, startTestApp } from '../helpers/test-app';

/** A TCP relay in front of the real Redis that the test can cut and restore, to play a Redis outage. */
class RedisRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    const target = new URL(REDIS_URL);
    this.server = createServer((client) => {
      const upstream = createConnection(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => s.destroy()).on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server!.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

interface HealthReport {
  status: string;
  error?: Record<string, unknown>;
  info?: Record<string, unknown>;
}

async function ready(t: TestApp): Promise<{ status: number; body: HealthReport }> {
  const response = await fetch(`${t.url}/health/ready`);
  return { status: response.status, body: (await response.json()) as HealthReport };
}

describe('readiness', () => {
  let relay: RedisRelay;
  let t: TestApp;

  beforeAll(async () => {
    relay = new RedisRelay();
    await relay.start();
    const url = new URL(REDIS_URL);
    url.host = `127.0.0.1:${relay.port}`;
    t = await startTestApp({ REDIS_URL: url.toString() });
  });

  afterAll(async () => {
    if (!relay.listening) await relay.start();
    // Closing right after Redis came back used to hang in BullMQ's worker close (one run in three to
    // ten); GracefulShutdown now lets the workers' blocking connections reconnect first.
    await t.close();
    await relay.cut();
  });

  it('stays ready while Recognize fails, and says so as information', async () => {
    await t.sim.fault({ status: 503, route: 'create', times: 1 });
    expect((await t.api(BANK_APP.apiKey).create({ userId: newUserId() })).status).toBeGreaterThanOrEqual(502);
    const { status, body } = await ready(t);
    await t.sim.clearFaults();
    expect(status).toBe(200);
    expect(body.info?.recognize).toMatchObject({ status: 'up', informational: true, reachable: false });
  });

  it('answers 503 naming Redis when Redis is unreachable, and 200 again once it is back', async () => {
    expect((await ready(t)).status).toBe(200);
    await relay.cut();
    const down = await ready(t);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error?.redis).toMatchObject({ status: 'down' });

    await relay.start();
    // Reconnection is ioredis's business: poll the probe as a load balancer would, until it recovers.
    let back = await ready(t);
    for (let i = 0; i < 50 && back.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      back = await ready(t);
    }
    expect(back.status).toBe(200);
  });
});
