import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ApprovalEvent } from '../../src/approvals/approval-event';
import { ClientConfig } from '../../src/clients/client.config';
import { ClientsRegistry } from '../../src/clients/clients.registry';
import { WebhookClient } from '../../src/webhooks/webhook.client';
import { ApiClient, Approval } from '../helpers/api-client';
import { REDIS_URL, TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { DeliveryWatcher, WebhookReceiver } from '../helpers/webhook-receiver';

type WithDeliveries = Approval & { deliveries: { eventId: string; state: string; lastError?: string }[] };

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

function eventFor(id: string): ApprovalEvent {
  return { id: `evt-${id}`, type: 'approval.cancelled', createdAt: new Date().toISOString(), data: { id } } as unknown as ApprovalEvent;
}

describe('webhooks never reach private, loopback or metadata addresses (SSRF)', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  let watcher: DeliveryWatcher;
  let api: ApiClient;
  let rebound: ClientConfig;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    const port = new URL(receiver.origin).port;
    // "localhost" stands for any configured name that resolves (or is re-pointed) to an internal address.
    const clients = [
      {
        id: 'rebound-app',
        apiKey: randomBytes(24).toString('base64url'),
        webhookUrl: `http://localhost:${port}/hook`,
        webhookSecret: secret(),
        callbackOrigins: [receiver.origin],
      },
    ];
    t = await startTestApp({
      CLIENTS: JSON.stringify(clients),
      WEBHOOK_ALLOW_LOOPBACK: 'false',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_HORIZON_S: '1',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    watcher = new DeliveryWatcher(REDIS_URL, t.prefix);
    api = t.api(clients[0].apiKey);
    rebound = t.app.get(ClientsRegistry).findById('rebound-app')!;
  });

  afterAll(async () => {
    await watcher.close();
    await t.close();
    await receiver.close();
  });

  it('refuses a configured webhookUrl whose name resolves to loopback, and the delivery ends dead without a request', async () => {
    const created = await api.create({ userId: newUserId() });
    expect(created.status).toBe(201);
    expect((await api.cancel(created.body.id)).status).toBe(200);
    const terminal = await t.events.waitFor(created.body.id, 'terminal');
    await watcher.waitForEnd(terminal.event.id, 'dead');

    expect(receiver.requests).toEqual([]);
    const res = await api.request<WithDeliveries>('GET', `/v1/approvals/${created.body.id}`);
    expect(res.body.deliveries).toEqual([
      expect.objectContaining({ state: 'dead', lastError: expect.stringMatching(/^refused: localhost resolves to a loopback address/) }),
    ]);
  });

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/', /link-local/],
    ['an IPv4-mapped metadata address', 'http://[::ffff:169.254.169.254]/', /link-local/],
    ['a private address', 'http://10.0.0.5/hook', /private/],
    ['a loopback address written in hex', 'http://0x7f000001:1/hook', /loopback/],
    ['a name resolving to loopback', 'http://localhost:1/hook', /loopback/],
  ])('refuses %s before connecting', async (_case, url, reason) => {
    const attempt = await t.app.get(WebhookClient).send(url, eventFor('a'), secret());
    expect(attempt.outcome).toEqual({ kind: 'refused', error: expect.stringMatching(reason) });
  });

  it("refuses a stored callbackUrl once its origin has left the client's callbackOrigins", async () => {
    const client = t.app.get(WebhookClient);
    const allowed = new WebhookClientWithLoopback(t);
    const stored = `${receiver.origin}/callback`;
    expect((await client.sendFor({ ...rebound, callbackOrigins: [] }, stored, eventFor('b'))).outcome).toEqual({
      kind: 'refused',
      error: expect.stringMatching(/no longer/),
    });
    expect((await allowed.sendFor(rebound, stored, eventFor('b'))).outcome.kind).toBe('delivered');
    await allowed.close();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/callback']);
    receiver.respondWith([]);
  });

  it('refuses a callbackUrl with a user or password at creation (400), creating nothing', async () => {
    const res = await api.create({ userId: newUserId(), callbackUrl: `http://evil.example@${new URL(receiver.origin).host}/ok` });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/callbackUrl/);
  });
});

describe('deliberate exceptions and signatures', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({ WEBHOOK_ALLOW_LOOPBACK: 'false', WEBHOOK_ALLOWED_HOSTS: 'localhost' });
  });

  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('calls a host listed in WEBHOOK_ALLOWED_HOSTS, and still refuses the rest', async () => {
    const port = new URL(receiver.origin).port;
    const [oldSecret, newSecret] = [secret(), secret()];
    const client = t.app.get(WebhookClient);
    const delivered = await client.send(`http://localhost:${port}/allowed`, eventFor('c'), [oldSecret, newSecret]);
    expect(delivered.outcome).toEqual({ kind: 'delivered', statusCode: 200 });
    expect((await client.send(`${receiver.origin}/not-listed`, eventFor('c'), oldSecret)).outcome.kind).toBe('refused');

    // Rotation: one signature per secret, each verifying on its own.
    const [request] = await receiver.waitForRequests(1);
    expect(request.path).toBe('/allowed');
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const s of [oldSecret, newSecret])
      expect(new Webhook(s).verify(request.rawBody, request.headers as Record<string, string>)).toMatchObject({ id: 'evt-c' });
  });
});

/** The same WebhookClient class with the development default (loopback allowed), for the control case. */
class WebhookClientWithLoopback extends WebhookClient {
  constructor(t: TestApp) {
    super({ ...t.config, webhooks: { ...t.config.webhooks, targets: { ...t.config.webhooks.targets, allowLoopback: true } } });
  }

  close(): void {
    this.onApplicationShutdown();
  }
}
