import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (request: RecordedRequest, res: ServerResponse) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 that records every request and answers through the current handler. */
export class TestServer {
  readonly requests: RecordedRequest[] = [];
  private handler: Handler = (_req, res) => json(res, 500, { code: 'no_handler' });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TestServer> {
    const server = createServer();
    const sut = new TestServer(server);
    server.on('request', (req, res) => void sut.onRequest(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return sut;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  handle(handler: Handler): void {
    this.handler = handler;
    this.requests.length = 0;
  }

  /** The requests whose path is `path`. */
  to(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://test');
    const request = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(request);
    try {
      await this.handler(request, res);
    } catch (error) {
      if (!res.headersSent) json(res, 500, { code: 'handler_failed', detail: String(error) });
    }
  }
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function problem(
  res: ServerResponse,
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  const body = {
    type: `https://stepup-orchestrator.dev/problems/${code}`,
    title: 'Problem',
    status,
    detail: `detail of ${code}`,
    code,
    ...extra,
  };
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify(body));
}

/** An approval as the service would send it; `overrides` win. */
export function makeApproval(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'op-1',
    operationId: 'op-1',
    userId: 'A1B2C3D4E5F6',
    status: 'pending',
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: '2026-12-01T10:05:00.000Z',
    transactionData: '{"approvalId":"op-1","message":""}',
    transactionHash: 'hash-1',
    ...overrides,
  };
}
