import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A client's webhook endpoint: records when the first terminal event of each approval arrived. */
export class WebhookReceiver {
  readonly arrivals = new Map<string, number>();
  received = 0;
  /** TCP connections the service opened to this receiver: kept-alive connections are reused. */
  connections = 0;
  private server?: Server;

  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        this.received += 1;
        try {
          const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { id?: string } };
          const id = event.data?.id;
          if (id && !this.arrivals.has(id)) this.arrivals.set(id, at);
        } catch {
          // A body that is not JSON is the service's bug, not the benchmark's: count it, answer 204 anyway.
        }
        res.writeHead(204).end();
      });
    });
    server.on('connection', () => (this.connections += 1));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
