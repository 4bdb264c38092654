import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { Approval } from '../helpers/api-client';
import { eventually } from '../helpers/eventually';
import { REDIS_URL, newUserId, startTestApp } from '../helpers/test-app';
import { DeliveryWatcher, ReceivedWebhook, ScriptedAnswer, WebhookReceiver } from '../helpers/webhook-receiver';
import { DeliveryJobData } from '../../src/webhooks/delivery.job';
import { DeliveryHandler } from '../../src/webhooks/delivery.handler';
import { DeliveryReconciler } from '../../src/webhooks/delivery.reconciler';

/**
 * Receiver faults: a webhook endpoint that refuses connections, hangs past WEBHOOK_TIMEOUT_MS, or
 * answers 500 or 429. Shorter than the retry horizon, every event arrives once it recovers, with
 * the same webhook-id on every attempt; longer, every delivery ends dead and a redelivery brings it
 * with the same webhook-id. Last, the one gap a lost delivery job opens, closed by the reconciler.
 */
jest.setTimeout(120_000);

const APPROVALS = 10;
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const connection = { host: new URL(REDIS_URL).hostname, port: Number(new URL(REDIS_URL).port || 6379) };
const jobId = (eventId: string) => `delivery-${eventId}`;

interface DeliveryBody {
  eventId: string;
  state: string;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  nextAttemptAt?: string;
}
interface Decided {
  approvalId: string;
  eventId: string;
}

/** One service with its receivers, each named by the fault it plays; the client may call back to any of them. */
async function startService(faults: string[], env: Record<string, string>) {
  const receivers = Object.fromEntries(await Promise.all(faults.map(async (f) => [f, await new WebhookReceiver().start()] as const)));
  // Kept apart: a closed receiver has no address to read its origin from.
  const origins = Object.fromEntries(faults.map((f) => [f, receivers[f].origin]));
  const client = { id: 'hooked-app', apiKey: 'hooked-app-key-0123456789', webhookSecret: secret, callbackOrigins: Object.values(origins) };
  const t = await startTestApp({
    CLIENTS: JSON.stringify([client]),
    WEBHOOK_RETRY_BASE_MS: '50',
    RATE_LIMIT_CREATES: '100000',
    RATE_LIMIT_REQUESTS: '100000',
    ...env,
  });
  const api = t.api(client.apiKey);
  const watcher = new DeliveryWatcher(REDIS_URL, t.prefix);
  const queueEvents = new QueueEvents('delivery', { connection, prefix: t.prefix, lastEventId: '0-0' });

  /**
   * Decides `n` approvals whose callbackUrl is the fault's receiver: half approved upstream (a poll
   * finishes them), half cancelled; all cancelled with `cancelOnly`, whose answer comes once the
   * delivery job is queued.
   */
  async function decide(fault: string, n = APPROVALS, cancelOnly = false): Promise<Decided[]> {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const created = await api.create({
          userId: newUserId(),
          message: 'Approve payment of $90',
          callbackUrl: `${origins[fault]}/hooks/${fault}`,
        });
        expect(created.status).toBe(201);
        const approvalId = created.body.id;
        if (i % 2 || cancelOnly) expect((await api.cancel(approvalId)).status).toBe(200);
        else await t.sim.approve(approvalId, 'biom');
        return { approvalId, eventId: (await t.events.waitFor(approvalId, 'terminal')).event.id };
      }),
    );
  }

  async function deliveryOf({ approvalId, eventId }: Decided): Promise<DeliveryBody> {
    const res = await api.request<Approval & { deliveries: DeliveryBody[] }>('GET', `/v1/approvals/${approvalId}`);
    expect(res.status).toBe(200);
    expect(res.body.deliveries).toHaveLength(1);
    expect(res.body.deliveries[0].eventId).toBe(eventId);
    return res.body.deliveries[0];
  }

  /**
   * Resolves once the stored delivery of every one of `decided` counts at least `n` attempts. Read from
   * the delivery record, not from BullMQ's events: a job's "delayed" event also marks its backstop wait,
   * a retry brought forward after the deciding process's first attempt, and a step aside while another
   * sender holds the lease, none of which is an attempt.
   */
  async function attemptsAtLeast(decided: Decided[], n: number): Promise<void> {
    await eventually(
      async () => (await Promise.all(decided.map((d) => deliveryOf(d)))).every((d) => d.attempts >= n),
      `every delivery attempted at least ${n} times`,
      { timeoutMs: 30_000 },
    );
  }

  async function close(): Promise<void> {
    await queueEvents.close();
    await watcher.close();
    await t.close();
    await Promise.all(Object.values(receivers).map((r) => r.close()));
  }

  return { t, api, receivers, origins, watcher, queueEvents, decide, deliveryOf, attemptsAtLeast, close };
}
type Service = Awaited<ReturnType<typeof startService>>;

/** The requests of each event: every one carries the event's id as webhook-id, verifies with the secret, and has the same body. */
function requestsByEvent(requests: ReceivedWebhook[], decided: Decided[]): Map<string, ReceivedWebhook[]> {
  const byEvent = new Map<string, ReceivedWebhook[]>(decided.map((d) => [d.eventId, []]));
  for (const request of requests) {
    const id = String(request.headers['webhook-id']);
    expect(byEvent.has(id)).toBe(true);
    expect(new Webhook(secret).verify(request.rawBody, request.headers as Record<string, string>)).toMatchObject({ id });
    byEvent.get(id)!.push(request);
  }
  for (const [, mine] of byEvent) expect(new Set(mine.map((r) => r.rawBody)).size).toBeLessThanOrEqual(1);
  return byEvent;
}

/** Every event arrived (each id at least once), each delivery says so, and the pending-deliveries index is empty again. */
async function expectAllDelivered(s: Service, receiver: WebhookReceiver, decided: Decided[]): Promise<Map<string, ReceivedWebhook[]>> {
  await Promise.all(decided.map((d) => s.watcher.waitForEnd(d.eventId, 'delivered')));
  const byEvent = requestsByEvent(receiver.requests, decided);
  for (const d of decided) {
    expect(byEvent.get(d.eventId)!.length).toBeGreaterThanOrEqual(1);
    const delivery = await s.deliveryOf(d);
    expect(delivery).toMatchObject({ state: 'delivered', lastStatusCode: 200 });
    expect(delivery.attempts).toBeGreaterThanOrEqual(byEvent.get(d.eventId)!.length);
  }
  expect(await s.t.redis.zcard(`${s.t.prefix}:deliveries:pending`)).toBe(0);
  return byEvent;
}

describe('Receiver faults shorter than the retry horizon: everything arrives after recovery', () => {
  let s: Service;

  beforeAll(async () => {
    s = await startService(['refusing', 'hanging', 'failing', 'throttling', 'losing'], {
      WEBHOOK_RETRY_HORIZON_S: '120',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
  });
  afterAll(() => s.close());

  it('refused connections: retried while nothing listens, all delivered once the receiver is back on its port', async () => {
    const receiver = s.receivers.refusing;
    const port = Number(new URL(s.origins.refusing).port);
    await receiver.close();
    const decided = await s.decide('refusing');
    await s.attemptsAtLeast(decided, 2);
    for (const d of decided) {
      const delivery = await s.deliveryOf(d);
      expect(delivery).toMatchObject({ state: 'pending', lastError: 'connection refused' });
      expect(delivery.attempts).toBeGreaterThanOrEqual(2);
      expect(delivery.lastStatusCode).toBeUndefined();
    }

    receiver.respondWith([]);
    await receiver.start(port);
    await expectAllDelivered(s, receiver, decided);
  });

  it('a receiver that hangs past WEBHOOK_TIMEOUT_MS: those attempts count as failed, all delivered once it answers', async () => {
    const receiver = s.receivers.hanging;
    receiver.respondWith(Array.from({ length: APPROVALS }, (): ScriptedAnswer => 'hang'));
    const decided = await s.decide('hanging');
    const byEvent = await expectAllDelivered(s, receiver, decided);

    const hung = receiver.requests.slice(0, APPROVALS);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2 * APPROVALS);
    for (const request of hung) {
      const eventId = String(request.headers['webhook-id']);
      // A hung attempt was not the one that delivered it: another request with that id followed.
      expect(byEvent.get(eventId)!.length).toBeGreaterThanOrEqual(2);
      expect((await s.deliveryOf(decided.find((d) => d.eventId === eventId)!)).attempts).toBeGreaterThanOrEqual(2);
    }
  });

  it('500s, then 200: every event delivered, the same webhook-id and body on every attempt', async () => {
    const receiver = s.receivers.failing;
    receiver.respondWith(Array.from({ length: 3 * APPROVALS }, () => 500));
    const decided = await s.decide('failing');
    const byEvent = await expectAllDelivered(s, receiver, decided);

    expect(receiver.requests.length).toBeGreaterThanOrEqual(4 * APPROVALS);
    const answered500 = new Set(receiver.requests.slice(0, 3 * APPROVALS).map((r) => String(r.headers['webhook-id'])));
    for (const eventId of answered500) expect(byEvent.get(eventId)!.length).toBeGreaterThanOrEqual(2);
  });

  it('429 with Retry-After, then 200: every event delivered, no retry sooner than Retry-After asked', async () => {
    const receiver = s.receivers.throttling;
    receiver.respondWith(Array.from({ length: APPROVALS }, () => ({ status: 429, headers: { 'retry-after': '1' } })));
    const decided = await s.decide('throttling');
    await expectAllDelivered(s, receiver, decided);

    const requests = receiver.requests;
    requests.slice(0, APPROVALS).forEach((throttled, i) => {
      const next = requests.slice(i + 1).find((r) => r.headers['webhook-id'] === throttled.headers['webhook-id']);
      expect(next).toBeDefined();
      expect(next!.receivedAtMs - throttled.receivedAtMs).toBeGreaterThanOrEqual(1000);
    });
  });

  it('a pending delivery whose job was lost, or failed for good, is queued again by the reconciler and delivered', async () => {
    const receiver = s.receivers.losing;
    // The deciding process makes the first attempts itself: they fail, and the retries are left to the jobs.
    receiver.respondWith([500, 500]);
    const queue = new Queue<DeliveryJobData>('delivery', { connection, prefix: s.t.prefix });
    const reconciler = s.t.app.get(DeliveryReconciler);
    const { leaseMs } = s.t.app.get(DeliveryHandler);
    // Paused, the queue keeps both jobs waiting while they are taken away.
    await queue.pause();
    const taken = (async () => {
      const [lost, failedForGood] = await s.decide('losing', 2, true);
      await s.attemptsAtLeast([lost, failedForGood], 1);
      // Having saved its failed attempt, the deciding process brings each job forward to the retry (new
      // data, a shorter delay): wait for that as well, so that none of it lands on the job put in its place.
      await eventually(async () => {
        const jobs = await Promise.all([lost, failedForGood].map((d) => queue.getJob(jobId(d.eventId))));
        return jobs.every((job) => job?.data.attempt === 1 && job.delay < leaseMs);
      }, 'both jobs brought forward to their retry');
      expect(await reconciler.reconcile(0)).toBe(0); // both jobs are alive: nothing to repair
      expect(await queue.remove(jobId(lost.eventId))).toBe(1);
      expect(await queue.remove(jobId(failedForGood.eventId))).toBe(1);
      // A run that throws on its last attempt (as one failing on Redis errors does) leaves a failed job under the id.
      const failing = await queue.add('deliver', null as unknown as DeliveryJobData, { jobId: jobId(failedForGood.eventId), attempts: 1 });
      return { lost, failedForGood, failing };
    })();
    const { lost, failedForGood, failing } = await taken.finally(() => queue.resume());
    try {
      await expect(failing.waitUntilFinished(s.queueEvents, 30_000)).rejects.toThrow();
      expect(await queue.getJobState(jobId(lost.eventId))).toBe('unknown');
      expect(await queue.getJobState(jobId(failedForGood.eventId))).toBe('failed');
      for (const d of [lost, failedForGood]) expect(await s.deliveryOf(d)).toMatchObject({ state: 'pending', attempts: 1 });
      // Nothing sent since the first attempts: the jobs that would retry are gone.
      expect(receiver.requests).toHaveLength(2);

      // The reconciler repairs overdue deliveries only: both retries must be due first.
      const dueAtMs = await Promise.all([lost, failedForGood].map(async (d) => Date.parse((await s.deliveryOf(d)).nextAttemptAt ?? '')));
      expect(dueAtMs.every(Number.isFinite)).toBe(true);
      await eventually(() => Date.now() > Math.max(...dueAtMs), 'both retries due');
      expect(await reconciler.reconcile(0)).toBe(2);
      await expectAllDelivered(s, receiver, [lost, failedForGood]);
      expect(await reconciler.reconcile(0)).toBe(0);
    } finally {
      await queue.close();
    }
  });
});

describe('Receiver faults longer than the retry horizon: dead-lettered, then redelivered', () => {
  const FAULTS: [string, ScriptedAnswer][] = [
    ['refusing', 200],
    ['hanging', 'hang'],
    ['failing', 500],
    ['throttling', { status: 429, headers: { 'retry-after': '1' } }],
  ];
  const PER_FAULT = 3;
  let s: Service;

  beforeAll(async () => {
    s = await startService(
      FAULTS.map(([f]) => f),
      { WEBHOOK_RETRY_HORIZON_S: '2', WEBHOOK_TIMEOUT_MS: '500' },
    );
  });
  afterAll(() => s.close());

  it('every delivery ends dead within the horizon, and a redelivery after recovery brings it with the same webhook-id', async () => {
    const port = Number(new URL(s.origins.refusing).port);
    await s.receivers.refusing.close();
    for (const [fault, answer] of FAULTS) s.receivers[fault].respondWith(Array.from({ length: 1000 }, () => answer));
    const decided = Object.fromEntries(
      await Promise.all(FAULTS.map(async ([fault]) => [fault, await s.decide(fault, PER_FAULT)] as const)),
    );
    const all = Object.values(decided).flat();
    await Promise.all(all.map((d) => s.watcher.waitForEnd(d.eventId, 'dead')));

    const expectedError: Record<string, string> = {
      refusing: 'connection refused',
      hanging: 'no answer within 500 ms',
      failing: 'answered 500',
      throttling: 'answered 429',
    };
    const deadRequests = new Map<string, ReceivedWebhook[]>();
    for (const [fault] of FAULTS) {
      for (const d of decided[fault]) {
        const delivery = await s.deliveryOf(d);
        expect({ fault, ...delivery }).toMatchObject({ fault, state: 'dead', lastError: expectedError[fault] });
        expect(delivery.nextAttemptAt).toBeUndefined();
      }
      if (fault !== 'refusing') requestsByEvent(s.receivers[fault].requests, decided[fault]).forEach((r, id) => deadRequests.set(id, r));
    }
    expect(await s.t.redis.zcard(`${s.t.prefix}:deliveries:pending`)).toBe(0);
    // Each receiver that was reached saw every one of its events; a 500 is retried until the horizon.
    for (const d of all.filter((x) => !decided.refusing.includes(x))) expect(deadRequests.get(d.eventId)!.length).toBeGreaterThanOrEqual(1);
    for (const d of decided.failing) expect(deadRequests.get(d.eventId)!.length).toBeGreaterThanOrEqual(2);

    for (const [fault] of FAULTS) s.receivers[fault].respondWith([]);
    await s.receivers.refusing.start(port);
    for (const d of all) {
      const res = await s.api.request('POST', `/v1/approvals/${d.approvalId}/deliveries/redeliver`);
      expect(res.status).toBe(202);
    }
    for (const [fault] of FAULTS) {
      const byEvent = await expectAllDelivered(s, s.receivers[fault], decided[fault]);
      for (const d of decided[fault]) {
        for (const request of byEvent.get(d.eventId)!) expect(request.headers['webhook-id']).toBe(d.eventId);
        if (fault !== 'refusing') expect(byEvent.get(d.eventId)![0].rawBody).toBe(deadRequests.get(d.eventId)![0].rawBody);
      }
    }
  });
});
