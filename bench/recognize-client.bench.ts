import { ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import axios, { AxiosInstance, AxiosResponse, isAxiosError } from 'axios';
import { Client, Pool } from 'undici';
import { RecognizeCircuitBreaker } from '../src/recognize/circuit-breaker';
import type { RecognizeObservation } from '../src/metrics/metrics.service';
import { RecognizeClient } from '../src/recognize/recognize.client';
import { errorForStatus, RecognizeError, RecognizeUnavailableError } from '../src/recognize/recognize.errors';
import { readOperation } from '../src/recognize/recognize.responses';
import { RecognizeOperation } from '../src/recognize/recognize.types';

/**
 * Client CPU per Recognize GET: the poll request (GET /operations/{id}, X-Api-Key, JSON parsed and
 * read) against a local JSON server in a child process, so only the client's work is counted.
 * Each variant makes N GETs at concurrency C after a warm-up; CPU is process.cpuUsage() (user +
 * system) around the N GETs, divided by N. Variants run in turn, `--rounds` times. The last one asks
 * the same server over HTTP/2 without TLS (h2c, one connection, many streams): whether multiplexing,
 * where Recognize offers it, would be cheaper than a pool of HTTP/1.1 connections.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/recognize-client.bench.js
 *   node dist-bench/bench/recognize-client.bench.js --requests=30000 --concurrency=100 --rounds=2
 */
const API_KEY = 'bench-recognize-key';
const OPERATIONS = 1000;

interface Variant {
  name: string;
  get(operationId: string): Promise<unknown>;
  close(): Promise<void>;
}

async function main(): Promise<void> {
  const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
  if (args.has('serve')) return serve();
  const requests = Number(args.get('requests') ?? 30_000);
  const concurrency = Number(args.get('concurrency') ?? 100);
  const rounds = Number(args.get('rounds') ?? 2);

  const { child, baseUrl, h2cBaseUrl } = await startServer();
  const options = { baseUrl: `${baseUrl}/v2`, apiKey: API_KEY, timeoutMs: 10_000 };
  // As the application builds it: a circuit breaker around every call and an observer.
  const production = () => ({
    ...options,
    breaker: new RecognizeCircuitBreaker({ threshold: 5, halfOpenAfterMs: 10_000 }),
    observer: noop,
  });
  const makers: Array<() => Variant> = [
    () => axiosClient(production()),
    () => undiciClient(production()),
    () => bareUndici(options.baseUrl),
    () => bareNodeHttp(options.baseUrl),
    () => bareUndiciH2c(`${h2cBaseUrl}/v2`),
  ];
  const ids = Array.from({ length: OPERATIONS }, (_, i) => `bench-op-${i}`);
  const rows: Array<{ variant: string; round: number; cpuUsPerGet: number; getsPerS: number; errors: number }> = [];
  try {
    for (let round = 1; round <= rounds; round += 1) {
      for (const make of makers) {
        const variant = make();
        await drive(variant, ids, 2_000, concurrency); // warm-up: connections, JIT
        const cpu = process.cpuUsage();
        const started = performance.now();
        const errors = await drive(variant, ids, requests, concurrency);
        const used = process.cpuUsage(cpu);
        const seconds = (performance.now() - started) / 1000;
        await variant.close();
        const row = {
          variant: variant.name,
          round,
          cpuUsPerGet: round1((used.user + used.system) / requests),
          getsPerS: Math.round(requests / seconds),
          errors,
        };
        rows.push(row);
        process.stderr.write(`${JSON.stringify(row)}\n`);
      }
    }
  } finally {
    child.kill();
  }
  process.stdout.write(`\n| client | ${Array.from({ length: rounds }, (_, r) => `round ${r + 1}: CPU µs/GET, GETs/s`).join(' | ')} |\n`);
  process.stdout.write(`|---|${'---|'.repeat(rounds)}\n`);
  for (const name of [...new Set(rows.map((r) => r.variant))]) {
    const cells = rows
      .filter((r) => r.variant === name)
      .map((r) => `${r.cpuUsPerGet} µs, ${r.getsPerS}/s${r.errors ? ` (${r.errors} errors)` : ''}`);
    process.stdout.write(`| ${name} | ${cells.join(' | ')} |\n`);
  }
  process.stdout.write(`\n${requests} GETs per measurement at concurrency ${concurrency}; Node ${process.version}\n`);
}

/** N GETs spread over `concurrency` loops; returns how many failed. */
async function drive(variant: Variant, ids: string[], requests: number, concurrency: number): Promise<number> {
  let next = 0;
  let errors = 0;
  const loop = async () => {
    while (next < requests) {
      const i = next++;
      try {
        await variant.get(ids[i % ids.length]);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return errors;
}

function undiciClient(options: ConstructorParameters<typeof RecognizeClient>[0]): Variant {
  const client = new RecognizeClient(options);
  return { name: 'RecognizeClient (undici Pool)', get: (id) => client.getOperation(id), close: () => client.close() };
}

/** A bare undici Pool.request loop: the floor for any client built on it. */
function bareUndici(baseUrl: string): Variant {
  const url = new URL(baseUrl);
  return bareUndiciOn('bare undici Pool.request', url, new Pool(url.origin, { connections: 256, pipelining: 1 }));
}

/** undici over HTTP/2 with prior knowledge (h2c): every GET a stream of one connection. */
function bareUndiciH2c(baseUrl: string): Variant {
  const url = new URL(baseUrl);
  // useH2c (HTTP/2 without TLS) is in undici 7's Client, not yet in its type declarations.
  const client = new Client(url.origin, { allowH2: true, useH2c: true, maxConcurrentStreams: 1000 } as Client.Options);
  return bareUndiciOn('bare undici, HTTP/2 (h2c, one connection)', url, client);
}

/** The poll request with nothing around it, on `dispatcher`. */
function bareUndiciOn(name: string, url: URL, dispatcher: Pool | Client): Variant {
  const headers = { 'x-api-key': API_KEY, accept: 'application/json' };
  return {
    name,
    get: async (id) => {
      const response = await dispatcher.request({ method: 'GET', path: `${url.pathname}/operations/${id}`, headers });
      const body = await response.body.json();
      if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
      return body;
    },
    close: () => dispatcher.destroy(),
  };
}

/** node:http with a keep-alive agent, as bench/bare-get.ts does it. */
function bareNodeHttp(baseUrl: string): Variant {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { 'x-api-key': API_KEY, accept: 'application/json' };
  return {
    name: 'bare node:http keep-alive agent',
    get: (id) =>
      new Promise((resolve, reject) => {
        const req = http.request(`${baseUrl}/operations/${id}`, { agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error('status')),
          );
        });
        req.once('error', reject);
        req.end();
      }),
    close: async () => agent.destroy(),
  };
}

/**
 * The axios client as it was before the move to undici (its getOperation path), the baseline:
 * same axios options, same breaker, observer, status table and response reading.
 */
function axiosClient(options: ConstructorParameters<typeof RecognizeClient>[0]): Variant {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });
  const client: AxiosInstance = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    headers: { 'X-Api-Key': options.apiKey, Accept: 'application/json' },
    httpAgent,
    httpsAgent,
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
  });
  const observe = (o: RecognizeObservation) => options.observer?.(o);
  const getOperation = async (operationId: string): Promise<RecognizeOperation> => {
    const path = `/operations/${encodeURIComponent(operationId)}`;
    const label = `GET ${path}`;
    const started = performance.now();
    let status: number | undefined;
    const call = async (): Promise<RecognizeOperation> => {
      let response: AxiosResponse<string>;
      try {
        response = await client.request<string>({ method: 'GET', url: path });
      } catch (error) {
        const code = isAxiosError(error) ? error.code : undefined;
        throw new RecognizeUnavailableError(`${label}: connection failed${code ? ` (${code})` : ''}`, 'connection');
      }
      status = response.status;
      const failure = errorForStatus(label, status, response.headers['retry-after'] as string | undefined);
      if (failure) throw failure;
      let parsed: unknown;
      try {
        parsed = JSON.parse(response.data);
      } catch {
        parsed = undefined;
      }
      const value = readOperation(parsed);
      if (value === undefined) throw new RecognizeUnavailableError(`${label}: upstream answered an unexpected body`, 'malformed', status);
      return value;
    };
    try {
      const value = await (options.breaker ? options.breaker.execute(label, call) : call());
      observe({ route: '/operations/{operationId}', status, outcome: 'ok', durationMs: performance.now() - started });
      return value;
    } catch (error) {
      observe({
        route: '/operations/{operationId}',
        status,
        outcome: error instanceof RecognizeError ? error.code : 'error',
        durationMs: performance.now() - started,
      });
      throw error;
    }
  };
  return {
    name: 'axios (the client before undici)',
    get: getOperation,
    close: async () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** The child process: keep-alive JSON servers (HTTP/1.1 and h2c) answering every GET with an operation like Recognize's. */
function serve(): void {
  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const operationId = decodeURIComponent((req.url ?? '').slice('/v2/operations/'.length));
    const text = JSON.stringify({
      id: 1234,
      timestamp: '2026-12-02T03:00:00.000Z',
      nodeId: 'node-1',
      userId: 'C0FFEE',
      apiKey: 'CustomerApiKey',
      operationId,
      operationPayload: 'Approve the transfer of 1,250.00 EUR to DE89 3704 0044 0532 0130 00',
      state: 'pending',
      result: false,
    });
    res.writeHead(req.headers['x-api-key'] === API_KEY ? 200 : 401, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const server = http.createServer(answer);
  server.keepAliveTimeout = 30_000;
  // The HTTP/2 compatibility API reads and writes as node:http does.
  type H2Handler = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;
  const h2c = http2.createServer({ settings: { maxConcurrentStreams: 1000 } }, answer as unknown as H2Handler);
  server.listen(0, '127.0.0.1', () =>
    h2c.listen(0, '127.0.0.1', () => {
      const ports = [server, h2c].map((s) => (s.address() as { port: number }).port);
      process.stdout.write(`${ports.join(' ')}\n`);
    }),
  );
}

async function startServer(): Promise<{ child: ChildProcess; baseUrl: string; h2cBaseUrl: string }> {
  const child = spawn(process.execPath, [__filename, '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port, h2cPort] = await new Promise<string[]>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim().split(' ')));
  });
  return { child, baseUrl: `http://127.0.0.1:${port}`, h2cBaseUrl: `http://127.0.0.1:${h2cPort}` };
}

function noop(): void {}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
