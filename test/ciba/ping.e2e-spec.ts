import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { PingProducer } from '../../src/ciba/ping.producer';
import { CibaTestApp, openidConfig, pingClient, startCibaApp } from '../helpers/ciba';
import { eventually, until } from '../helpers/eventually';
import { newUserId } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Ping mode end to end: the ping reaches a real receiver on the webhook machinery (retries, no
 * redirects), once per auth_req_id whatever the outcome, and openid-client then fetches the answer.
 */
describe('CIBA ping mode', () => {
  let receiver: WebhookReceiver;
  let hooks: WebhookReceiver;
  let t: CibaTestApp;
  let config: client.Configuration;
  let ping: ReturnType<typeof pingClient> & { webhookUrl: string; webhookSecret: string };

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    // The ping client also has a webhook: its CIBA approvals are ordinary approvals, webhooks included.
    // (on a receiver of its own, so that the pings' scripted answers are the pings' alone).
    hooks = await new WebhookReceiver().start();
    ping = { ...pingClient(`${receiver.origin}/ciba/ping`), webhookUrl: `${hooks.origin}/hooks`, webhookSecret: WEBHOOK_SECRET };
    t = await startCibaApp({}, [ping]);
    config = await openidConfig(t.issuer, ping.id, client.ClientSecretBasic(ping.ciba.clientSecret));
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await hooks?.close();
  });
  beforeEach(() => receiver.respondWith([]));

  async function start(extra: Record<string, string> = {}) {
    const notificationToken = randomBytes(24).toString('base64url');
    const started = await client.initiateBackchannelAuthentication(config, {
      scope: 'openid',
      login_hint: newUserId(),
      binding_message: 'Sign in',
      client_notification_token: notificationToken,
      ...extra,
    });
    return { started, notificationToken, approvalId: started.approval_id as string };
  }

  /** Whatever a key holds, as text. */
  async function readAny(key: string): Promise<string> {
    switch (await t.redis.type(key)) {
      case 'string':
        return (await t.redis.get(key)) ?? '';
      case 'hash':
        return JSON.stringify(await t.redis.hgetall(key));
      case 'list':
        return JSON.stringify(await t.redis.lrange(key, 0, -1));
      case 'set':
        return JSON.stringify(await t.redis.smembers(key));
      case 'zset':
        return JSON.stringify(await t.redis.zrange(key, 0, -1));
      case 'stream':
        return JSON.stringify(await t.redis.xrange(key, '-', '+'));
      default:
        return '';
    }
  }

  const pingsFor = (authReqId: string) => receiver.requests.filter((r) => r.rawBody.includes(authReqId));
  const pingKey = (approvalId: string) => `${t.prefix}:ciba-ping:${approvalId}`;

  it('pings once with the bearer token and exactly {"auth_req_id"}, then the token endpoint gives a verified ID token', async () => {
    const { started, notificationToken, approvalId } = await start();
    await t.sim.approve(approvalId, 'biom');
    const [request] = await receiver.waitForRequests(1, '/ciba/ping');
    expect(request.method).toBe('POST');
    expect(request.headers.authorization).toBe(`Bearer ${notificationToken}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.rawBody).toBe(JSON.stringify({ auth_req_id: started.auth_req_id }));
    const tokens = await client.pollBackchannelAuthenticationGrant(config, started);
    expect(tokens.claims()).toMatchObject({ approval_id: approvalId, aud: ping.id });
    // Done: nothing is left to ping, and announcing the decision again sends nothing.
    await eventually(async () => (await t.redis.exists(pingKey(approvalId))) === 0, 'the ping record is removed');
    const record = (await t.api(ping.apiKey).get(approvalId)).body;
    await t.app.get(PingProducer).scheduleFor({ ...record, clientId: ping.id } as never);
    expect(pingsFor(started.auth_req_id)).toHaveLength(1);
  });

  it.each([
    ['rejected on the phone', 'access_denied', async (id: string) => void (await t.sim.reject(id))],
    ['cancelled through the REST API', 'access_denied', async (id: string) => void (await t.api(ping.apiKey).cancel(id))],
  ])('pings once when %s, and the token endpoint says %s', async (_, error, decide) => {
    const { started, approvalId } = await start();
    await decide(approvalId);
    await receiver.waitForRequests(1, '/ciba/ping');
    const err = await client.pollBackchannelAuthenticationGrant(config, started).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect((err as client.ResponseBodyError).error).toBe(error);
    await eventually(async () => (await t.redis.exists(pingKey(approvalId))) === 0, 'the ping record is removed');
    expect(pingsFor(started.auth_req_id)).toHaveLength(1);
  });

  it('pings when the request expires, and the token endpoint says expired_token', async () => {
    const { started, approvalId } = await start({ requested_expiry: '1' });
    await receiver.waitForRequests(1, '/ciba/ping', 20_000);
    // openid-client gives up on its own after expires_in (OAUTH_TIMEOUT): its own signal keeps it asking.
    const err = await client
      .pollBackchannelAuthenticationGrant(config, started, undefined, { signal: AbortSignal.timeout(30_000) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect((err as client.ResponseBodyError).error).toBe('expired_token');
    expect((err as client.ResponseBodyError).cause).toMatchObject({ approval_status: 'expired' });
    expect((await t.api(ping.apiKey).get(approvalId)).body.status).toBe('expired');
  });

  it("sends the approval's ordinary signed webhook beside the ping, and the webhook never carries the auth_req_id", async () => {
    const { started, approvalId } = await start();
    await t.sim.approve(approvalId);
    const hook = await until('the approval webhook', () => hooks.requests.find((r) => r.rawBody.includes(approvalId)));
    expect(JSON.parse(hook.rawBody)).toMatchObject({ type: 'approval.approved', data: { id: approvalId, status: 'approved' } });
    expect(hook.headers['webhook-signature']).toMatch(/^v1,/);
    expect(hook.rawBody).not.toContain(started.auth_req_id);
    await receiver.waitForRequests(1, '/ciba/ping');
  });

  it('retries a failing receiver on the webhook schedule, and never follows a redirect', async () => {
    receiver.respondWith([500, { status: 302, headers: { location: `${receiver.origin}/elsewhere` } }, 200]);
    const { started, approvalId } = await start();
    await t.sim.approve(approvalId);
    const requests = await receiver.waitForRequests(3, '/ciba/ping');
    expect(requests.map((r) => r.rawBody)).toEqual(Array(3).fill(JSON.stringify({ auth_req_id: started.auth_req_id })));
    expect(receiver.requests.filter((r) => r.path === '/elsewhere')).toHaveLength(0);
    await eventually(async () => (await t.redis.exists(pingKey(approvalId))) === 0, 'the ping is done');
  });

  it('stores neither the auth_req_id nor the notification token in clear', async () => {
    const { started, notificationToken, approvalId } = await start();
    // Every key of the prefix, whatever its kind: CIBA's own and BullMQ's ping jobs alike.
    const keys = await t.redis.keys(`${t.prefix}:*`);
    const values = await Promise.all(keys.map((k) => readAny(k)));
    const dumped = values.join('\n');
    expect(dumped).not.toContain(started.auth_req_id);
    expect(dumped).not.toContain(notificationToken);
    expect(keys.join('\n')).not.toContain(started.auth_req_id);
    await t.api(ping.apiKey).cancel(approvalId);
  });

  it('refuses a ping request without its client_notification_token', async () => {
    const err = await client
      .initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: newUserId(), binding_message: 'x' })
      .catch((e: unknown) => e);
    expect((err as client.ResponseBodyError).error).toBe('invalid_request');
  });
});
