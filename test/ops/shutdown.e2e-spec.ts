import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import { ApiClient } from '../helpers/api-client';
import { BANK_APP, TEST_CLIENTS } from '../helpers/clients';
import { freePort } from '../helpers/service-process';
import { deleteKeys, newUserId, REDIS_URL } from '../helpers/test-app';
import { eventually } from '../helpers/eventually';

const ROOT = join(__dirname, '..', '..');
const SIM_API_KEY = 'shutdown-test-recognize-key';
/** How long the simulator holds the poll in flight at SIGTERM: the shutdown must wait for it. */
const HELD_POLL_MS = 4000;

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** The built service as a real process: SIGTERM while an SSE stream is open and a poll is in flight. */
describe('graceful shutdown (node dist/main.js)', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(REDIS_URL);
  const simulator = new RecognizeSimulator({ apiKey: SIM_API_KEY });
  let child: ChildProcess;
  let output = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let port: number;

  beforeAll(async () => {
    // CI builds before testing; a fresh checkout running this file alone builds here.
    if (!existsSync(join(ROOT, 'dist', 'main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const simulatorUrl = await simulator.listen(0);
    port = await freePort();
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        REDIS_URL,
        REDIS_PREFIX: prefix,
        RECOGNIZE_BASE_URL: simulatorUrl,
        RECOGNIZE_API_KEY: SIM_API_KEY,
        CLIENTS: JSON.stringify(TEST_CLIENTS),
        POLL_INTERVAL_MS: '100',
        SHUTDOWN_TIMEOUT_MS: '15000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const api = new ApiClient(`http://127.0.0.1:${port}`, BANK_APP.apiKey);
    await eventually(async () => (await api.get('none')).status === 404, 'the service to listen', { timeoutMs: 60_000 });
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await simulator.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('stops accepting connections, finishes the running poll, ends SSE streams with a retry hint and exits 0', async () => {
    const url = `http://127.0.0.1:${port}`;
    const api = new ApiClient(url, BANK_APP.apiKey);
    const created = await api.create({ userId: newUserId() });
    expect(created.status).toBe(201);
    const id = created.body.id;

    // An SSE stream, read until the replayed pending event has arrived.
    const stream = await fetch(`${url}/v1/approvals/${id}/events`, { headers: { authorization: `Bearer ${BANK_APP.apiKey}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let beforeSignal = '';
    while (!beforeSignal.includes('event: approval.pending')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early: ${beforeSignal}`);
      beforeSignal += decoder.decode(value, { stream: true });
    }

    // Hold the next poll of this operation upstream, then decide it: the held poll will see the approval.
    const heldPoll = new Promise<void>((resolve) => simulator.on('request', (r) => r.route === 'get' && r.operationId === id && resolve()));
    simulator.setFault({ route: 'get', operationId: id, delayMs: HELD_POLL_MS, times: 1 });
    await heldPoll;
    simulator.approve(id);

    child.kill('SIGTERM');
    let exitedYet = false;
    void exited.then(() => (exitedYet = true));

    let afterSignal = '';
    const streamEnded = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        afterSignal += decoder.decode(value, { stream: true });
      }
    })();

    // New connections are refused while the process is still finishing its work.
    await eventually(() => refusesConnections(port), 'the listener to close', { timeoutMs: 10_000 });
    expect(exitedYet).toBe(false);

    await streamEnded;
    expect(afterSignal).toMatch(/^retry: \d+$/m);

    const exit = await exited;
    expect({ exit, output: exit.code === 0 ? '' : output }).toEqual({ exit: { code: 0, signal: null }, output: '' });

    // The poll that was running at SIGTERM completed: the approval was decided before the exit.
    expect(await redis.hget(`${prefix}:approval:${id}`, 'status')).toBe('approved');
  }, 60_000);
});
