import { Approval, ApiClient } from '../helpers/api-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/** Issue 11, item 14: one client's slow receiver must not delay other clients' webhooks. */
describe('Per-client fairness in webhook delivery', () => {
  const SLOTS = 4;
  const PER_CLIENT = 2;
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  let slowReceiver: WebhookReceiver;
  let fastReceiver: WebhookReceiver;
  let t: TestApp;
  let slow: ApiClient;
  let fast: ApiClient;

  beforeAll(async () => {
    slowReceiver = await new WebhookReceiver().start();
    fastReceiver = await new WebhookReceiver().start();
    const clients = [
      {
        id: 'slow-app',
        apiKey: 'slow-app-key-0123456789abcdef',
        webhookUrl: `${slowReceiver.origin}/hooks`,
        webhookSecret: secret,
        callbackOrigins: [],
      },
      {
        id: 'fast-app',
        apiKey: 'fast-app-key-0123456789abcdef',
        webhookUrl: `${fastReceiver.origin}/hooks`,
        webhookSecret: secret,
        callbackOrigins: [],
      },
    ];
    t = await startTestApp({
      CLIENTS: JSON.stringify(clients),
      WEBHOOK_CONCURRENCY: String(SLOTS),
      WEBHOOK_CLIENT_CONCURRENCY: String(PER_CLIENT),
      // Longer than the test: a slow receiver's attempt holds its slot throughout.
      WEBHOOK_TIMEOUT_MS: '120000',
    });
    slow = t.api(clients[0].apiKey);
    fast = t.api(clients[1].apiKey);
  });
  afterAll(async () => {
    // The hanging answers first: a worker closing waits for its attempts in flight.
    await slowReceiver.close();
    await fastReceiver.close();
    await t.close();
  });

  async function decide(api: ApiClient): Promise<Approval> {
    const created = await api.create({ userId: newUserId(), message: 'Approve payment of $90' });
    expect(created.status).toBe(201);
    expect((await api.cancel(created.body.id)).status).toBe(200);
    return created.body;
  }

  it("delivers every other client's webhooks while one client's receiver hangs on more deliveries than there are slots", async () => {
    slowReceiver.respondWith(Array(20).fill('hang'));
    // More hanging deliveries than the worker has slots, all queued before the other client's.
    for (let i = 0; i < SLOTS + 2; i += 1) await decide(slow);
    await slowReceiver.waitForRequests(PER_CLIENT);

    const fastOnes = [await decide(fast), await decide(fast), await decide(fast)];
    const received = await fastReceiver.waitForRequests(fastOnes.length);
    const ids = received.map((r) => (JSON.parse(r.rawBody) as { data: { id: string } }).data.id).sort();
    expect(ids).toEqual(fastOnes.map((a) => a.id).sort());

    // Meanwhile the slow client holds only its own slots: none of its attempts has been answered.
    expect(slowReceiver.requests).toHaveLength(PER_CLIENT);
  });
});
