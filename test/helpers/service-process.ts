import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
/** The standalone simulator, compiled beside the service by `npm run build`. */
export const SIMULATOR_MAIN = join(ROOT, 'dist', 'simulator', 'main.js');

/** Builds dist/ when it is missing or older than src/ or simulator/ (CI builds before the tests, so this is for local runs). */
export function ensureBuilt(): void {
  const builds: [string, string, string][] = [
    [MAIN, join(ROOT, 'src'), 'tsconfig.build.json'],
    [SIMULATOR_MAIN, join(ROOT, 'simulator'), 'simulator/tsconfig.json'],
  ];
  for (const [entry, sources, tsconfig] of builds) {
    if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(sources)) continue;
    try {
      execFileSync('npx', ['tsc', '-p', tsconfig], { cwd: ROOT, stdio: 'pipe' });
    } catch (err) {
      // tsc still emits on type errors; a missing entry point is the only thing we cannot run with.
      if (!existsSync(entry)) throw err;
    }
    // The service reads its Lua scripts (and the demo its assets) beside the compiled files, as `npm run build` copies them.
    if (entry === MAIN)
      cpSync(sources, join(ROOT, 'dist'), { recursive: true, filter: (f) => statSync(f).isDirectory() || /\.(lua|js|css)$/.test(f) });
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The built service (`node dist/main.js`) as a child process that tests can kill -9 and restart
 * on the same port and Redis prefix. Everything it writes to stdout/stderr is kept, over all its
 * lives, so that a test can scan the logs for secrets.
 */
export class ServiceProcess {
  readonly url: string;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private readonly output: string[] = [];

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get logs(): string {
    return this.output.join('');
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process and resolves once it answers HTTP. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('service already running');
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = undefined;
        throw new Error(`service exited at start (${child.exitCode ?? child.signalCode}):\n${this.logs.slice(-4000)}`);
      }
      if (await answers(`${this.url}/v1/approvals/readiness-probe`)) return;
      if (Date.now() > deadline) throw new Error(`service did not answer within ${timeoutMs} ms:\n${this.logs.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** kill -9: no shutdown hook runs, locks and in-flight requests are simply abandoned. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.end('SIGTERM');
  }

  /** Resolves when the process exits on its own (it should not: a Redis outage must not end it). */
  get exit(): Promise<void> {
    return this.exited ?? Promise.resolve();
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await this.exited;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
  /** What the receiver answered; undefined when it let the request hang. */
  status?: number;
}

export type ReceiverMode = 'ok' | 'fail500' | 'fail429' | 'hang';

/**
 * A webhook endpoint in the test process: it outlives the service's crashes, records every
 * request it gets (answered or not), and can be switched to failing modes.
 */
export class CapturingReceiver {
  readonly received: ReceivedWebhook[] = [];
  mode: ReceiverMode = 'ok';
  private server?: Server;
  private readonly waiters = new Set<() => void>();
  url = '';

  async listen(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.mode === 'hang' ? undefined : this.mode === 'fail500' ? 500 : this.mode === 'fail429' ? 429 : 200;
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), status });
        if (status !== undefined) res.writeHead(status, status === 429 ? { 'Retry-After': '1' } : {}).end();
        this.waiters.forEach((w) => w());
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    return this.url;
  }

  /** Answered with 2xx: delivered. */
  delivered(): ReceivedWebhook[] {
    return this.received.filter((r) => r.status !== undefined && r.status < 300);
  }

  async waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`receiver: ${what} not reached within ${timeoutMs} ms (${this.received.length} requests received)`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
