import { RedisKeys } from '../../src/redis/redis.keys';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ApiClient, Approval } from '../helpers/api-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { DeliveryWatcher, WebhookReceiver } from '../helpers/webhook-receiver';
import { ApprovalsStore } from '../../src/approvals/approvals.store';
import { DeliveryProducer } from '../../src/webhooks/delivery.producer';
import { eventFor } from '../../src/approvals/approval-event';
import { EventsTokenService } from '../../src/events/events-token.service';
import { DecisionOutboxReconciler } from '../../src/webhooks/decision-outbox.reconciler';
import { DeliveryQueues } from '../../src/webhooks/delivery-queues';

interface DeliveryBody {
  eventId: string;
  url: string;
  state: string;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  deliveredAt?: string;
}
type ApprovalWithDeliveries = Approval & { deliveries: DeliveryBody[] };

const secret = `whsec_${randomBytes(32).toString('base64')}`;

describe('Webhooks (real Redis, BullMQ, a real HTTP receiver)', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  let watcher: DeliveryWatcher;
  let hooked: ApiClient;
  let quiet: ApiClient;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    const clients = [
      {
        id: 'hooked-app',
        apiKey: 'hooked-app-key-0123456789',
        webhookUrl: `${receiver.origin}/hooks/default`,
        webhookSecret: secret,
        callbackOrigins: [receiver.origin],
      },
      { id: 'quiet-app', apiKey: 'quiet-app-key-0123456789', callbackOrigins: [] },
    ];
    t = await startTestApp({ CLIENTS: JSON.stringify(clients), WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_TIMEOUT_MS: '2000' });
    watcher = new DeliveryWatcher(t.bull.connection, t.bull.shardPrefixes);
    hooked = t.api(clients[0].apiKey);
    quiet = t.api(clients[1].apiKey);
  });
  afterAll(async () => {
    await watcher.close();
    await t.close();
    await receiver.close();
  });

  /** The app's delivery queue of an approval's shard. */
  const queue = (approvalId: string) => t.app.get(DeliveryQueues).of(approvalId);

  async function create(api: ApiClient, extra: Record<string, unknown> = {}): Promise<Approval> {
    const res = await api.create({ userId: newUserId(), message: 'Approve payment of $90', ...extra });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** Cancels (which awaits the scheduling of the delivery) and returns the terminal event's id. */
  async function cancel(api: ApiClient, id: string): Promise<string> {
    expect((await api.cancel(id)).status).toBe(200);
    return (await t.events.waitFor(id, 'terminal')).event.id;
  }

  async function deliveriesOf(api: ApiClient, id: string): Promise<DeliveryBody[]> {
    const res = await api.request<ApprovalWithDeliveries>('GET', `/v1/approvals/${id}`);
    expect(res.status).toBe(200);
    return res.body.deliveries;
  }

  it('POSTs the terminal event, signed per Standard Webhooks, to the client webhookUrl', async () => {
    receiver.respondWith([200]);
    const approval = await create(hooked);
    await t.sim.approve(approval.id, 'biom');
    const terminal = await t.events.waitFor(approval.id, 'terminal');
    const [request] = await receiver.waitForRequests(1);
    await watcher.waitForEnd(terminal.event.id, 'delivered');

    expect(request).toMatchObject({ method: 'POST', path: '/hooks/default' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/stepup-orchestrator/);
    expect(request.headers['webhook-id']).toBe(terminal.event.id);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(request.rawBody, request.headers as Record<string, string>)).toEqual(terminal.event);
    expect(JSON.parse(request.rawBody)).toMatchObject({
      id: terminal.event.id,
      type: 'approval.approved',
      data: { id: approval.id, status: 'approved' },
    });

    const res = await hooked.request<ApprovalWithDeliveries>('GET', `/v1/approvals/${approval.id}`);
    expect(res.body.deliveries).toEqual([
      expect.objectContaining({
        eventId: terminal.event.id,
        url: `${receiver.origin}/hooks/default`,
        state: 'delivered',
        attempts: 1,
        lastStatusCode: 200,
        deliveredAt: expect.any(String),
      }),
    ]);
    expect(res.text).not.toContain(secret.slice(6));
  });

  it('refuses a webhook signed with another secret (the receiver check works)', async () => {
    receiver.respondWith([200]);
    const approval = await create(hooked);
    await cancel(hooked, approval.id);
    const [request] = await receiver.waitForRequests(1);
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => new Webhook(other).verify(request.rawBody, request.headers as Record<string, string>)).toThrow(/signature/i);
  });

  it('retries a failing receiver with the same webhook-id, re-signed each time, until it answers 2xx', async () => {
    receiver.respondWith([500, 500, 500, 200]);
    const approval = await create(hooked);
    const eventId = await cancel(hooked, approval.id);
    await watcher.waitForEnd(eventId, 'delivered');

    const requests = receiver.requests;
    expect(requests).toHaveLength(4);
    for (const request of requests) {
      expect(request.headers['webhook-id']).toBe(eventId);
      expect(new Webhook(secret).verify(request.rawBody, request.headers as Record<string, string>)).toMatchObject({
        id: eventId,
        type: 'approval.cancelled',
      });
      expect(Number(request.headers['webhook-timestamp']) * 1000).toBeLessThanOrEqual(request.receivedAtMs);
    }
    expect(new Set(requests.map((r) => r.rawBody)).size).toBe(1);
    expect(await deliveriesOf(hooked, approval.id)).toEqual([
      expect.objectContaining({ eventId, state: 'delivered', attempts: 4, lastStatusCode: 200 }),
    ]);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^stepup_webhook_attempts_total\{client="hooked-app",result="http_5xx"\} [3-9]\d*$/m);
    expect(metrics).toMatch(/^stepup_webhook_attempts_total\{client="hooked-app",result="success"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^stepup_notification_latency_seconds_count\{channel="webhook"\} [1-9]\d*$/m);
  });

  it('stops at once when the receiver answers 410 Gone', async () => {
    receiver.respondWith([410, 200]);
    const approval = await create(hooked);
    const eventId = await cancel(hooked, approval.id);
    await watcher.waitForEnd(eventId, 'dead');
    expect(receiver.requests).toHaveLength(1);
    expect(await deliveriesOf(hooked, approval.id)).toEqual([
      expect.objectContaining({ eventId, state: 'dead', attempts: 1, lastStatusCode: 410, lastError: expect.stringMatching(/410/) }),
    ]);
  });

  it("prefers the approval's callbackUrl to the client's webhookUrl", async () => {
    receiver.respondWith([200]);
    const approval = await create(hooked, { callbackUrl: `${receiver.origin}/hooks/payment-42?ref=x` });
    const eventId = await cancel(hooked, approval.id);
    await watcher.waitForEnd(eventId, 'delivered');
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hooks/payment-42?ref=x']);
    expect((await deliveriesOf(hooked, approval.id))[0].url).toBe(`${receiver.origin}/hooks/payment-42?ref=x`);
  });

  it('sends nothing for a client without webhookUrl and an approval without callbackUrl', async () => {
    const approval = await create(quiet);
    const eventId = await cancel(quiet, approval.id);
    expect(await deliveriesOf(quiet, approval.id)).toEqual([]);
    expect(await queue(approval.id).getJob(`delivery-${eventId}`)).toBeUndefined();
    expect(await t.redis.exists(t.app.get(RedisKeys).approvalDeliveries(approval.id))).toBe(0);
  });

  it('waits at least what Retry-After asked before the next attempt after a 429', async () => {
    receiver.respondWith([{ status: 429, headers: { 'retry-after': '2' } }, 200]);
    const approval = await create(hooked);
    const eventId = await cancel(hooked, approval.id);
    await watcher.waitForEnd(eventId, 'delivered');
    const [first, second] = receiver.requests;
    expect(receiver.requests).toHaveLength(2);
    expect(second.receivedAtMs - first.receivedAtMs).toBeGreaterThanOrEqual(2000);
    // A retry carries the time of its own attempt, not of the first one.
    expect(Number(second.headers['webhook-timestamp'])).toBeGreaterThan(Number(first.headers['webhook-timestamp']));
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
  });

  it('counts a receiver that does not answer within WEBHOOK_TIMEOUT_MS as a failed attempt', async () => {
    receiver.respondWith(['hang', 200]);
    const approval = await create(hooked);
    const eventId = await cancel(hooked, approval.id);
    await watcher.waitForEnd(eventId, 'delivered');
    expect(receiver.requests).toHaveLength(2);
    expect(await deliveriesOf(hooked, approval.id)).toEqual([expect.objectContaining({ state: 'delivered', attempts: 2 })]);
  });

  it('does not follow a redirect: a 302 is a failed attempt at the same URL', async () => {
    receiver.respondWith([{ status: 302, headers: { location: `${receiver.origin}/elsewhere` } }, 200]);
    const approval = await create(hooked);
    const eventId = await cancel(hooked, approval.id);
    await watcher.waitForEnd(eventId, 'delivered');
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hooks/default', '/hooks/default']);
    expect(await deliveriesOf(hooked, approval.id)).toEqual([expect.objectContaining({ state: 'delivered', attempts: 2 })]);
  });

  it('delivers a terminal event whose process died between the transition and scheduling the webhook', async () => {
    receiver.respondWith([200]);
    const approval = await create(hooked);
    // The transition alone, as a process killed right after it leaves things: decided, nothing scheduled.
    const store = t.app.get(ApprovalsStore);
    const decided = { ...(await store.get(approval.id))!, status: 'approved' as const, decidedAt: new Date().toISOString() };
    const event = eventFor(decided, new Date(), t.app.get(EventsTokenService).eventsUrl(decided));
    expect(await store.transition(decided, event)).toMatchObject({ applied: true });
    expect(await queue(approval.id).getJob(`delivery-${event.id}`)).toBeUndefined();
    expect(await store.notHandedToDeliveryBefore(t.app.get(RedisKeys).shardOf(approval.id), Date.now(), 10)).toContain(approval.id);

    expect(await t.app.get(DecisionOutboxReconciler).reconcile(0)).toBeGreaterThanOrEqual(1);
    await watcher.waitForEnd(event.id, 'delivered');
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([event.id]);
    expect(await store.notHandedToDeliveryBefore(t.app.get(RedisKeys).shardOf(approval.id), Date.now(), 10)).not.toContain(approval.id);
  });

  it('schedules one delivery per event, however often it is asked (retried transition, re-run poll)', async () => {
    receiver.respondWith([200]);
    const approval = await create(hooked);
    const eventId = await cancel(hooked, approval.id);
    await watcher.waitForEnd(eventId, 'delivered');
    const record = (await t.app.get(ApprovalsStore).get(approval.id))!;
    const event = (await t.app.get(ApprovalsStore).lastEvent(approval.id))!.event;
    const producer = t.app.get(DeliveryProducer);
    await Promise.all([producer.scheduleFor(record, event), producer.scheduleFor(record, event)]);
    // The finished job is kept for the dashboard: asking again neither re-queues nor re-sends it.
    expect(await (await queue(approval.id).getJob(`delivery-${eventId}`))?.getState()).toBe('completed');
    expect(receiver.requests).toHaveLength(1);
    expect(await deliveriesOf(hooked, approval.id)).toEqual([expect.objectContaining({ state: 'delivered', attempts: 1 })]);
  });

  it('answers 409 to a redelivery when nothing is dead, and 404 for another client', async () => {
    receiver.respondWith([200]);
    const approval = await create(hooked);
    const eventId = await cancel(hooked, approval.id);
    await watcher.waitForEnd(eventId, 'delivered');
    const path = `/v1/approvals/${approval.id}/deliveries/redeliver`;
    const conflict = await hooked.request('POST', path);
    expect(conflict.status).toBe(409);
    expect(conflict.text).toMatch(/nothing_to_redeliver/);
    expect((await quiet.request('POST', path)).status).toBe(404);
    expect((await hooked.request('POST', '/v1/approvals/no-such-approval/deliveries/redeliver')).status).toBe(404);
  });
});
