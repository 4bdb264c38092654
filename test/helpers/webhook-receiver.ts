import { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConnectionOptions, QueueEvents } from 'bullmq';

/** One request as the receiver saw it: the raw body, byte for byte, for signature checks. */
export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  receivedAtMs: number;
}

/** How to answer one request: a status, optionally with headers, or never (`hang`). */
export type ScriptedAnswer = number | { status: number; headers?: Record<string, string> } | 'hang';

/**
 * A webhook receiver on node:http and an ephemeral port. It records every request and answers
 * from a script (`respondWith([500, 500, 200])`), then 200 once the script is used up.
 */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  private script: ScriptedAnswer[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly hanging = new Set<ServerResponse>();
  private server?: Server;

  get origin(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Listens on an ephemeral port, or on `port` again after close(): a receiver that comes back. */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  /** Forgets what was received and answers the next requests from `script`. */
  respondWith(script: ScriptedAnswer[]): void {
    this.requests.length = 0;
    this.script = [...script];
  }

  /** Resolves once at least `n` requests have arrived (optionally only those to `path`). */
  waitForRequests(n: number, path?: string, timeoutMs = 30_000): Promise<ReceivedWebhook[]> {
    const matching = () => this.requests.filter((r) => path === undefined || r.path === path);
    return new Promise((resolve, reject) => {
      const check = () => {
        if (matching().length < n) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(matching());
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`expected ${n} webhook requests within ${timeoutMs} ms, got ${matching().length}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAtMs = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      rawBody: Buffer.concat(chunks).toString('utf8'),
      receivedAtMs,
    });
    const answer = this.script.shift() ?? 200;
    if (answer === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
    } else {
      const { status, headers = {} } = typeof answer === 'number' ? { status: answer } : answer;
      res.writeHead(status, headers).end();
    }
    for (const waiter of [...this.waiters]) waiter();
  }
}

/**
 * Awaits the end of delivery jobs through BullMQ's own event stream (read from its start, so an end
 * that happened before the call is seen too): no sleeping, no polling of the API.
 */
export class DeliveryWatcher {
  private readonly ends: { jobId: string; state: string }[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly events: QueueEvents[];

  /**
   * `redis`: a redis:// URL, or the app's BullMQ connection (TestApp.bull) on a cluster or behind
   * Sentinel. `prefixes`: the BullMQ prefix of every shard's delivery queue (the Redis prefix itself with one shard).
   */
  constructor(redis: string | ConnectionOptions, prefixes: string | readonly string[]) {
    const connection = typeof redis === 'string' ? { host: new URL(redis).hostname, port: Number(new URL(redis).port || 6379) } : redis;
    this.events = (typeof prefixes === 'string' ? [prefixes] : prefixes).map((prefix) => {
      const events = new QueueEvents('delivery', {
        connection,
        prefix,
        lastEventId: '0-0',
      });
      events.on('completed', ({ jobId, returnvalue }) => {
        const state =
          typeof returnvalue === 'string' && returnvalue.startsWith('"') ? (JSON.parse(returnvalue) as string) : String(returnvalue);
        this.ends.push({ jobId, state });
        for (const waiter of [...this.waiters]) waiter();
      });
      return events;
    });
  }

  /**
   * Resolves when the delivery job of `eventId` has ended in `state` ('delivered' or 'dead'), `times`
   * times: a resent delivery ends again under the same job id.
   */
  waitForEnd(eventId: string, state: 'delivered' | 'dead', timeoutMs = 45_000, times = 1): Promise<void> {
    const jobId = `delivery-${eventId}`;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.ends.filter((e) => e.jobId === jobId && e.state === state).length < times) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `delivery ${eventId} did not end ${state} within ${timeoutMs} ms; ends seen: ${JSON.stringify(this.ends.filter((e) => e.jobId === jobId))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.events.map((e) => e.close()));
  }
}
