// Time from the user's approval to the token answer, for CIBA poll mode (openid-client polling at
// CIBA_INTERVAL_S=1) and ping mode (the token requested as soon as the ping arrives). Not a test:
// it starts the built service (`npm run build` first) with the bundled simulator on a fresh Redis
// prefix, plays the phone through the simulator's control API and prints p50/p99 per mode.
//   node scripts/ciba-latency.mjs [rounds per mode, default 40]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as client from 'openid-client';

const ROUNDS = Number(process.argv[2] ?? 40);
const CONCURRENCY = 4;
const CONTROL_TOKEN = randomBytes(16).toString('hex');
const POLL_SECRET = randomBytes(24).toString('base64url');
const PING_SECRET = randomBytes(24).toString('base64url');

const port = await freePort();
const simulatorPort = await freePort();
const pings = new Map(); // auth_req_id → resolve
const receiver = createServer((req, res) => {
  let body = '';
  req
    .on('data', (c) => (body += c))
    .on('end', () => {
      res.writeHead(204).end();
      pings.get(JSON.parse(body).auth_req_id)?.();
    });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${port}`;
const env = {
  PATH: process.env.PATH,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_PREFIX: `ciba-latency-${randomBytes(4).toString('hex')}`,
  PORT: String(port),
  OIDC_ISSUER: issuer,
  CIBA_INTERVAL_S: '1',
  SIMULATOR_PORT: String(simulatorPort),
  SIMULATOR_CONTROL_TOKEN: CONTROL_TOKEN,
  LOG_LEVEL: 'warn',
  RATE_LIMIT_CREATES: '100000',
  RATE_LIMIT_REQUESTS: '100000',
  CLIENTS: JSON.stringify([
    { id: 'bank-poll', apiKey: randomBytes(24).toString('hex'), ciba: { clientSecret: POLL_SECRET, deliveryMode: 'poll' } },
    {
      id: 'bank-ping',
      apiKey: randomBytes(24).toString('hex'),
      ciba: { clientSecret: PING_SECRET, deliveryMode: 'ping', notificationEndpoint: `http://127.0.0.1:${receiver.address().port}/ping` },
    },
  ]),
};
const service = spawn(process.execPath, ['dist/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
try {
  await waitForService();
  const options = { execute: [client.allowInsecureRequests] };
  const poll = await client.discovery(new URL(issuer), 'bank-poll', undefined, client.ClientSecretPost(POLL_SECRET), options);
  const ping = await client.discovery(new URL(issuer), 'bank-ping', undefined, client.ClientSecretPost(PING_SECRET), options);
  const pollMs = await rounds(() => pollRound(poll));
  const pingMs = await rounds(() => pingRound(ping));
  const cpu = cpus();
  console.log(
    `machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, node ${process.version}; service: POLL_INTERVAL_MS default (1000), CIBA_INTERVAL_S=1`,
  );
  console.log(`poll mode (openid-client pollBackchannelAuthenticationGrant): ${summary(pollMs)}`);
  console.log(`ping mode (token request on the ping):                  ${summary(pingMs)}`);
} finally {
  service.kill('SIGTERM');
  receiver.close();
}

/** The user approves at a random moment 1-3 s after the request; the time runs from that approval to the tokens. */
async function pollRound(config) {
  const started = await client.initiateBackchannelAuthentication(config, {
    scope: 'openid',
    login_hint: userId(),
    binding_message: 'Sign in',
  });
  const tokens = client.pollBackchannelAuthenticationGrant(config, started);
  await sleep(1000 + Math.random() * 2000);
  const approvedAt = await approve(started.approval_id);
  await tokens;
  return performance.now() - approvedAt;
}

async function pingRound(config) {
  const token = randomBytes(16).toString('base64url');
  const started = await client.initiateBackchannelAuthentication(config, {
    scope: 'openid',
    login_hint: userId(),
    binding_message: 'Sign in',
    client_notification_token: token,
  });
  const pinged = new Promise((resolve) => pings.set(started.auth_req_id, resolve));
  await sleep(1000 + Math.random() * 2000);
  const approvedAt = await approve(started.approval_id);
  await pinged;
  const body = new URLSearchParams({
    grant_type: 'urn:openid:params:grant-type:ciba',
    auth_req_id: started.auth_req_id,
    client_id: 'bank-ping',
    client_secret: PING_SECRET,
  });
  const res = await fetch(`${issuer}/oauth/token`, { method: 'POST', body });
  if (res.status !== 200) throw new Error(`token answer ${res.status}: ${await res.text()}`);
  await res.json();
  return performance.now() - approvedAt;
}

/** The phone's approval, through the simulator's control API; returns when it was made. */
async function approve(operationId) {
  const res = await fetch(`http://127.0.0.1:${simulatorPort}/_sim/operations/${operationId}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CONTROL_TOKEN}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const at = performance.now();
  if (!res.ok) throw new Error(`approve answered ${res.status}`);
  return at;
}

async function rounds(round) {
  const results = [];
  let started = 0;
  const worker = async () => {
    while (started < ROUNDS) {
      started += 1;
      results.push(await round());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `n=${sorted.length} p50=${Math.round(at(0.5))} ms p99=${Math.round(at(0.99))} ms max=${Math.round(sorted.at(-1))} ms`;
}

function userId() {
  return randomBytes(8).toString('hex').toUpperCase();
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitForService() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${issuer}/.well-known/openid-configuration`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error('the service did not start');
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return free;
}
