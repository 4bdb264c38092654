import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ApiClient, Approval } from '../helpers/api-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { DeliveryWatcher, WebhookReceiver } from '../helpers/webhook-receiver';

interface DeliveryBody {
  eventId: string;
  state: string;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
}
type ApprovalWithDeliveries = Approval & { deliveries: DeliveryBody[] };

const secret = `whsec_${randomBytes(32).toString('base64')}`;

describe('Webhook dead-letter and redelivery (a 1 s retry horizon)', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  let watcher: DeliveryWatcher;
  let api: ApiClient;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    const client = {
      id: 'hooked-app',
      apiKey: 'hooked-app-key-0123456789',
      webhookUrl: `${receiver.origin}/hooks`,
      webhookSecret: secret,
      callbackOrigins: [receiver.origin],
    };
    t = await startTestApp({
      CLIENTS: JSON.stringify([client]),
      WEBHOOK_RETRY_HORIZON_S: '1',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    watcher = new DeliveryWatcher(t.bull.connection, t.bull.shardPrefixes);
    api = t.api(client.apiKey);
  });
  afterAll(async () => {
    await watcher.close();
    await t.close();
    await receiver.close();
  });

  it('dead-letters a delivery when the horizon runs out, then redelivers it with the same webhook-id', async () => {
    receiver.respondWith(Array.from({ length: 500 }, () => 503));
    const created = await api.create({ userId: newUserId(), message: 'Approve payment of $90' });
    expect((await api.cancel(created.body.id)).status).toBe(200);
    const eventId = (await t.events.waitFor(created.body.id, 'terminal')).event.id;
    await watcher.waitForEnd(eventId, 'dead');

    const dead = (await api.request<ApprovalWithDeliveries>('GET', `/v1/approvals/${created.body.id}`)).body.deliveries;
    const failedAttempts = receiver.requests.length;
    expect(failedAttempts).toBeGreaterThanOrEqual(2);
    expect(dead).toEqual([
      expect.objectContaining({ eventId, state: 'dead', attempts: failedAttempts, lastStatusCode: 503, lastError: 'answered 503' }),
    ]);
    expect(dead[0].nextAttemptAt).toBeUndefined();

    receiver.respondWith([200]);
    const redelivery = await api.request<ApprovalWithDeliveries>('POST', `/v1/approvals/${created.body.id}/deliveries/redeliver`);
    expect(redelivery.status).toBe(202);
    expect(redelivery.body).toMatchObject({ id: created.body.id, status: 'cancelled' });
    expect(['pending', 'delivered']).toContain(redelivery.body.deliveries[0].state);
    await watcher.waitForEnd(eventId, 'delivered');

    const [request] = receiver.requests;
    expect(request.headers['webhook-id']).toBe(eventId);
    expect(new Webhook(secret).verify(request.rawBody, request.headers as Record<string, string>)).toMatchObject({
      id: eventId,
      type: 'approval.cancelled',
    });
    const delivered = (await api.request<ApprovalWithDeliveries>('GET', `/v1/approvals/${created.body.id}`)).body.deliveries;
    expect(delivered).toEqual([
      expect.objectContaining({
        eventId,
        state: 'delivered',
        attempts: failedAttempts + 1,
        lastStatusCode: 200,
        deliveredAt: expect.any(String),
      }),
    ]);
    expect(delivered[0].lastError).toBeUndefined();
    expect((await api.request('POST', `/v1/approvals/${created.body.id}/deliveries/redeliver`)).status).toBe(409);
  });
});
