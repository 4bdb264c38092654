import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ApiClient } from '../helpers/api-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { DeliveryWatcher, WebhookReceiver } from '../helpers/webhook-receiver';

interface ListedDelivery {
  approvalId: string;
  eventId: string;
  state: string;
  attempts: number;
  since: string;
}
interface DeliveryPage {
  deliveries: ListedDelivery[];
  nextCursor?: string;
}

const ADMIN = { ADMIN_USERNAME: 'operator', ADMIN_PASSWORD: 'correct-horse-battery-staple' };
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;

describe('Deliveries for operators: list, recover, resend, test events, dashboard', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  let ends: DeliveryWatcher;
  let api: ApiClient;
  let other: ApiClient;
  let silent: ApiClient;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    const hooked = {
      id: 'ops-hooked',
      apiKey: 'ops-hooked-key-0123456789',
      webhookUrl: `${receiver.origin}/hooks`,
      webhookSecret: secret,
      callbackOrigins: [receiver.origin],
    };
    const neighbour = {
      id: 'ops-neighbour',
      apiKey: 'ops-neighbour-key-0123456789',
      webhookUrl: `${receiver.origin}/neighbour`,
      webhookSecret: otherSecret,
    };
    const quiet = { id: 'ops-quiet', apiKey: 'ops-quiet-key-0123456789' };
    t = await startTestApp({
      ...ADMIN,
      CLIENTS: JSON.stringify([hooked, neighbour, quiet]),
      WEBHOOK_RETRY_HORIZON_S: '1',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    ends = new DeliveryWatcher(t.bull.connection, t.bull.shardPrefixes);
    api = t.api(hooked.apiKey);
    other = t.api(neighbour.apiKey);
    silent = t.api(quiet.apiKey);
  });
  afterAll(async () => {
    await ends.close();
    await t.close();
    await receiver.close();
  });

  /** A cancelled approval whose webhook died: the receiver failed every attempt within the horizon. */
  async function deadDelivery(): Promise<{ approvalId: string; eventId: string }> {
    receiver.respondWith(Array.from({ length: 500 }, () => 503));
    const created = await api.create({ userId: newUserId(), message: 'Approve payment of $70' });
    expect((await api.cancel(created.body.id)).status).toBe(200);
    const eventId = (await t.events.waitFor(created.body.id, 'terminal')).event.id;
    await ends.waitForEnd(eventId, 'dead');
    return { approvalId: created.body.id, eventId };
  }

  it('lists a dead delivery for its client only, recovers it since T with the same webhook-id, and shows it on the admin route', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const { approvalId, eventId } = await deadDelivery();

    const dead = await api.request<DeliveryPage>('GET', `/v1/deliveries?state=dead&since=${encodeURIComponent(since)}`);
    expect(dead.status).toBe(200);
    expect(dead.body.deliveries).toEqual([expect.objectContaining({ approvalId, eventId, state: 'dead', since: expect.any(String) })]);
    expect((await other.request<DeliveryPage>('GET', '/v1/deliveries?state=dead')).body.deliveries).toEqual([]);
    expect(
      (
        await api.request<DeliveryPage>(
          'GET',
          `/v1/deliveries?state=dead&since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
        )
      ).body.deliveries,
    ).toEqual([]);
    expect((await api.request('GET', '/v1/deliveries?state=lost')).status).toBe(400);

    const anonymous = await fetch(`${t.url}/admin/deliveries`);
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
    const basic = `Basic ${Buffer.from(`${ADMIN.ADMIN_USERNAME}:${ADMIN.ADMIN_PASSWORD}`).toString('base64')}`;
    const board = (await (await fetch(`${t.url}/admin/deliveries`, { headers: { authorization: basic } })).json()) as {
      clients: { clientId: string; dead: ListedDelivery[] }[];
    };
    expect(board.clients).toEqual([{ clientId: 'ops-hooked', dead: [expect.objectContaining({ approvalId, eventId })], more: false }]);

    receiver.respondWith([200]);
    const recovered = await api.request<{ requeued: number }>('POST', '/v1/deliveries/recover', { since });
    expect(recovered.status).toBe(202);
    expect(recovered.body).toEqual({ requeued: 1 });
    await ends.waitForEnd(eventId, 'delivered');
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([eventId]);
    expect((await api.request<DeliveryPage>('GET', '/v1/deliveries?state=dead')).body.deliveries).toEqual([]);
    expect((await api.request<{ requeued: number }>('POST', '/v1/deliveries/recover', { since })).body).toEqual({ requeued: 0 });
  });

  it('pages through dead deliveries with limit and cursor, and refuses a cursor it did not give', async () => {
    const since = new Date().toISOString();
    const first = await deadDelivery();
    const second = await deadDelivery();
    const path = `/v1/deliveries?state=dead&limit=1&since=${encodeURIComponent(since)}`;
    const page1 = await api.request<DeliveryPage>('GET', path);
    expect(page1.body.deliveries.map((d) => d.eventId)).toEqual([first.eventId]);
    const page2 = await api.request<DeliveryPage>('GET', `${path}&cursor=${page1.body.nextCursor!}`);
    expect(page2.body).toEqual({ deliveries: [expect.objectContaining({ eventId: second.eventId })] });
    expect((await api.request('GET', `${path}&cursor=nonsense`)).status).toBe(400);
    expect((await api.request('GET', '/v1/deliveries?state=dead&limit=0')).status).toBe(400);
    receiver.respondWith([]);
    expect((await api.request<{ requeued: number }>('POST', '/v1/deliveries/recover', { since })).body).toEqual({ requeued: 2 });
    await Promise.all([ends.waitForEnd(first.eventId, 'delivered'), ends.waitForEnd(second.eventId, 'delivered')]);
  });

  it('resends an event already delivered, with the same webhook-id; unknown events and other clients get 404', async () => {
    receiver.respondWith([]);
    const created = await api.create({ userId: newUserId(), message: 'Approve payment of $71' });
    await api.cancel(created.body.id);
    const eventId = (await t.events.waitFor(created.body.id, 'terminal')).event.id;
    await ends.waitForEnd(eventId, 'delivered');

    const resent = await api.request('POST', `/v1/approvals/${created.body.id}/deliveries/${eventId}/resend`);
    expect(resent.status).toBe(202);
    await ends.waitForEnd(eventId, 'delivered', 45_000, 2);
    const sent = receiver.requests.filter((r) => r.headers['webhook-id'] === eventId);
    expect(sent).toHaveLength(2);
    expect(new Webhook(secret).verify(sent[1].rawBody, sent[1].headers as Record<string, string>)).toMatchObject({
      id: eventId,
      type: 'approval.cancelled',
    });

    expect((await api.request('POST', `/v1/approvals/${created.body.id}/deliveries/evt_unknown/resend`)).status).toBe(404);
    expect((await other.request('POST', `/v1/approvals/${created.body.id}/deliveries/${eventId}/resend`)).status).toBe(404);
    expect((await api.request('POST', `/v1/approvals/no-such-approval/deliveries/${eventId}/resend`)).status).toBe(404);
  });

  it('sends a signed webhook.test event to the client, and says so when the client has no webhookUrl', async () => {
    receiver.respondWith([]);
    const sent = await api.request<{ eventId: string }>('POST', '/v1/webhooks/test');
    expect(sent.status).toBe(202);
    const [request] = await receiver.waitForRequests(1, '/hooks');
    expect(request.headers['webhook-id']).toBe(sent.body.eventId);
    expect(new Webhook(secret).verify(request.rawBody, request.headers as Record<string, string>)).toMatchObject({
      id: sent.body.eventId,
      type: 'webhook.test',
    });

    const none = await silent.request<{ code: string }>('POST', '/v1/webhooks/test');
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('no_webhook_url');
  });
});
