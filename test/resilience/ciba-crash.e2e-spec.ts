import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import * as client from 'openid-client';
import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import { ApiClient } from '../helpers/api-client';
import { CIBA_POLL, CIBA_SECRETS, openidConfig, pingClient } from '../helpers/ciba';
import { eventually } from '../helpers/eventually';
import { CapturingReceiver, ServiceProcess, ensureBuilt, freePort } from '../helpers/service-process';
import { REDIS_URL, deleteKeys, newUserId } from '../helpers/test-app';

const RECOGNIZE_API_KEY = `rk-${randomUUID()}`;
jest.setTimeout(180_000);

/**
 * The built service as a child process, killed with SIGKILL between the user's decision and the
 * client's token request: the decision is in Redis, so the restarted process answers it (tokens,
 * or the ping owed). Recognize and the ping receiver live in this process and outlive the crash.
 */
describe('CIBA under kill -9', () => {
  const prefix = `t-ciba-crash-${randomUUID().slice(0, 8)}`;
  let sim: RecognizeSimulator;
  let receiver: CapturingReceiver;
  let service: ServiceProcess;
  let issuer: string;
  let redis: Redis;
  let ping: ReturnType<typeof pingClient>;
  const secrets: string[] = [...CIBA_SECRETS];

  beforeAll(async () => {
    ensureBuilt();
    sim = new RecognizeSimulator({ apiKey: RECOGNIZE_API_KEY, enrollment: 'open' });
    const simulatorBaseUrl = await sim.listen();
    receiver = new CapturingReceiver();
    ping = pingClient(await receiver.listen());
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    service = new ServiceProcess(port, {
      NODE_ENV: 'test',
      REDIS_URL,
      REDIS_PREFIX: prefix,
      RECOGNIZE_BASE_URL: simulatorBaseUrl,
      RECOGNIZE_API_KEY,
      CLIENTS: JSON.stringify([CIBA_POLL, ping]),
      OIDC_ISSUER: issuer,
      CIBA_INTERVAL_S: '1',
      POLL_INTERVAL_MS: '200',
      // A poll claimed by the killed process is taken up again once its lease is over.
      POLL_LEASE_MS: '2000',
      RECOGNIZE_TIMEOUT_MS: '1000',
      WEBHOOK_RETRY_BASE_MS: '100',
    });
    await service.start();
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
    await sim?.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
  });

  const statusOf = async (id: string, apiKey = CIBA_POLL.apiKey) => (await new ApiClient(service.url, apiKey).get(id)).body.status;

  it('a decision stored before the kill is answered with tokens by the restarted process', async () => {
    const config = await openidConfig(issuer, CIBA_POLL.id, client.ClientSecretBasic(CIBA_POLL.ciba.clientSecret));
    const started = await client.initiateBackchannelAuthentication(config, {
      scope: 'openid',
      login_hint: newUserId(),
      binding_message: 'Sign in',
    });
    secrets.push(started.auth_req_id);
    const approvalId = started.approval_id as string;
    sim.approve(approvalId, { authType: 'biom' });
    await eventually(async () => (await statusOf(approvalId)) === 'approved', 'the decision is stored');
    await service.kill();
    await service.start();
    const tokens = await client.pollBackchannelAuthenticationGrant(config, started);
    secrets.push(tokens.access_token, tokens.id_token!);
    expect(tokens.claims()).toMatchObject({ approval_id: approvalId, sub: expect.any(String) });
  });

  it('a decision made while the process is down is polled, answered and pinged after the restart', async () => {
    const config = await openidConfig(issuer, ping.id, client.ClientSecretPost(ping.ciba.clientSecret));
    const notificationToken = randomBytes(24).toString('base64url');
    secrets.push(notificationToken);
    const started = await client.initiateBackchannelAuthentication(config, {
      scope: 'openid',
      login_hint: newUserId(),
      binding_message: 'Sign in',
      client_notification_token: notificationToken,
    });
    secrets.push(started.auth_req_id);
    await service.kill();
    sim.approve(started.approval_id as string, { authType: 'pin' });
    await service.start();
    await eventually(
      async () => (await statusOf(started.approval_id as string, ping.apiKey)) === 'approved',
      'the restarted process stores the decision',
      {
        // The poll tick job the killed process held is BullMQ's to recover first (a stalled job).
        timeoutMs: 90_000,
      },
    );
    await receiver.waitUntil(() => receiver.delivered().some((r) => r.body.includes(started.auth_req_id)), 30_000, 'the ping');
    const pinged = receiver.delivered().filter((r) => r.body === JSON.stringify({ auth_req_id: started.auth_req_id }));
    expect(pinged).toHaveLength(1);
    expect(pinged[0].headers.authorization).toBe(`Bearer ${notificationToken}`);
    const tokens = await client.pollBackchannelAuthenticationGrant(config, started);
    secrets.push(tokens.access_token);
    expect(tokens.claims()!.amr).toEqual(['pin']);
  });

  it('no client secret, auth_req_id, notification token or token reached a log line', () => {
    expect(service.logs.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(service.logs).not.toContain(secret);
  });
});
