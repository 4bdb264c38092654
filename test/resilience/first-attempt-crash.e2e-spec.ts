import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import { RedisKeys } from '../../src/redis/redis.keys';
import { DELIVERY_QUEUE, deliveryJobId } from '../../src/webhooks/delivery.job';
import { ApiClient } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { EventWatcher } from '../helpers/event-watcher';
import { eventually } from '../helpers/eventually';
import { CapturingReceiver, ServiceProcess, ensureBuilt, freePort } from '../helpers/service-process';
import { REDIS_URL, deleteKeys, newUserId } from '../helpers/test-app';

const RECOGNIZE_API_KEY = `rk-${randomUUID()}`;
/**
 * A lease left by a killed process (this plus the handler's 5 s margin) ends within seconds; and it is
 * long enough that the first attempt held by the receiver is still in flight, not timed out and saved,
 * when the test kills the process, however slow a loaded machine makes the steps in between.
 */
const WEBHOOK_TIMEOUT_MS = 5000;
/** What the decision outbox's sweep (once a minute, for decisions older than a minute) may take, and a restart. */
const DELIVERED_WITHIN_MS = 180_000;

jest.setTimeout(300_000);

/**
 * The first webhook attempt is made by the process that decided, the moment the decision is
 * announced; the delivery job is its backstop. Killed with SIGKILL before that attempt went out, or
 * while the receiver holds it, the BUILT service (a child process) still delivers every terminal event
 * after a restart, under the event's own webhook-id. Recognize (the simulator) and the receiver live
 * in this process and outlive the kill.
 */
describe('Crashes around the first webhook attempt: kill -9 before it and during it', () => {
  const prefix = `t-first-${randomUUID().slice(0, 8)}`;
  const keys = new RedisKeys(prefix);
  let sim: RecognizeSimulator;
  let receiver: CapturingReceiver;
  let service: ServiceProcess;
  let api: ApiClient;
  let redis: Redis;
  let watcher: EventWatcher;
  let deliveries: Queue;

  beforeAll(async () => {
    ensureBuilt();
    sim = new RecognizeSimulator({ apiKey: RECOGNIZE_API_KEY });
    const simulatorBaseUrl = await sim.listen();
    receiver = new CapturingReceiver();
    const webhookUrl = await receiver.listen();
    service = new ServiceProcess(await freePort(), {
      NODE_ENV: 'test',
      REDIS_URL,
      REDIS_PREFIX: prefix,
      RECOGNIZE_BASE_URL: simulatorBaseUrl,
      RECOGNIZE_API_KEY,
      CLIENTS: JSON.stringify([{ ...BANK_APP, webhookUrl }, OTHER_APP]),
      POLL_INTERVAL_MS: '200',
      POLL_LEASE_MS: '2000',
      RECOGNIZE_TIMEOUT_MS: '1000',
      WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
      RATE_LIMIT_CREATES: '1000000',
      RATE_LIMIT_REQUESTS: '1000000',
    });
    await service.start();
    api = new ApiClient(service.url, BANK_APP.apiKey);
    redis = new Redis(REDIS_URL);
    watcher = new EventWatcher(REDIS_URL, `${prefix}:events`);
    const url = new URL(REDIS_URL);
    deliveries = new Queue(DELIVERY_QUEUE, {
      connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
      prefix,
    });
  });

  afterAll(async () => {
    await service?.stop();
    await deliveries?.close();
    watcher?.close();
    await receiver?.close();
    await sim?.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
  });

  async function createPending(count: number): Promise<string[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const res = await api.create({ userId: newUserId(), message: 'Wire 120.00 EUR' });
        expect(res.status).toBe(201);
        return res.body.id;
      }),
    );
  }

  /** The terminal event id of each approval that has one, from the approval's own event log. */
  async function terminalEventIds(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of ids) {
      const events = (await redis.lrange(keys.approvalEvents(id), 0, -1)).map((e) => JSON.parse(e) as { id: string; type: string });
      const terminal = events.filter((e) => e.type !== 'approval.pending');
      expect(terminal.length).toBeLessThanOrEqual(1);
      if (terminal[0]) out.set(id, terminal[0].id);
    }
    return out;
  }

  const deliveredIds = () => new Set(receiver.delivered().map((w) => String(w.headers['webhook-id'])));

  /** Every webhook the receiver got for these approvals carries their one terminal event, as body and as webhook-id. */
  function expectOnlyTheirTerminalEvents(terminal: Map<string, string>): void {
    const ours = receiver.received
      .map((w) => ({ w, body: JSON.parse(w.body) as { id: string; data: { id: string } } }))
      .filter(({ body }) => terminal.has(body.data.id));
    expect(ours.length).toBeGreaterThanOrEqual(terminal.size);
    for (const { w, body } of ours) {
      expect(body.id).toBe(terminal.get(body.data.id));
      expect(w.headers['webhook-id']).toBe(body.id);
    }
  }

  it('delivers every terminal event, with its own webhook-id, when the deciding process is killed between the transition and the first attempt', async () => {
    const ids = await createPending(60);
    for (const id of ids) sim.approve(id);
    // Killed as soon as the first decision is on the stream: the poll tick is still deciding the others
    // and handing them to delivery, so some are committed without their first attempt having gone out.
    await Promise.any(ids.map((id) => watcher.waitFor(id, 'terminal', 30_000)));
    await service.kill();

    const decidedBeforeKill = await terminalEventIds(ids);
    const sentBeforeKill = new Set(receiver.received.map((w) => String(w.headers['webhook-id'])));
    const cutOff = [...decidedBeforeKill.values()].filter((eventId) => !sentBeforeKill.has(eventId));
    // The window this test is about was hit: decisions committed, their first attempt never made.
    expect(cutOff.length).toBeGreaterThan(0);

    await service.start();
    // As long as BullMQ takes to recover the poll tick the killed process held.
    await Promise.all(ids.map((id) => watcher.waitFor(id, 'terminal', 150_000)));
    const terminal = await terminalEventIds(ids);
    expect(terminal.size).toBe(ids.length);
    // A decision committed before the kill keeps its event id: no second terminal event was made.
    for (const [id, eventId] of decidedBeforeKill) expect({ id, eventId: terminal.get(id) }).toEqual({ id, eventId });
    await receiver.waitUntil(
      () => [...terminal.values()].every((eventId) => deliveredIds().has(eventId)),
      DELIVERED_WITHIN_MS,
      'every terminal event delivered after the restart',
    );
    expectOnlyTheirTerminalEvents(terminal);
  });

  it('sends the attempt again, with the same webhook-id, when the deciding process is killed while the receiver holds its first attempt', async () => {
    const [id] = await createPending(1);
    receiver.mode = 'hang';
    sim.approve(id);
    const terminal = await watcher.waitFor(id, 'terminal', 150_000);
    const attemptsOf = () => receiver.received.filter((w) => w.headers['webhook-id'] === terminal.event.id);
    await receiver.waitUntil(() => attemptsOf().length > 0, 30_000, 'the first attempt at the receiver');
    expect(attemptsOf()).toHaveLength(1);
    // It is the deciding process's first attempt: the delivery job still waits as its backstop.
    expect(await (await deliveries.getJob(deliveryJobId(terminal.event.id)))?.getState()).toBe('delayed');

    await service.kill();
    receiver.mode = 'ok';
    // Nothing was saved of the attempt in flight: the delivery is still pending, none counted.
    const stored = JSON.parse((await redis.hget(keys.approvalDeliveries(id), terminal.event.id))!) as { state: string; attempts: number };
    expect(stored).toMatchObject({ state: 'pending', attempts: 0 });

    await service.start();
    await receiver.waitUntil(() => deliveredIds().has(terminal.event.id), DELIVERED_WITHIN_MS, 'the attempt sent again and answered');
    const attempts = attemptsOf();
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((w) => (JSON.parse(w.body) as { id: string }).id))).toEqual(new Set([terminal.event.id]));
    // Saved once the receiver's answer is read: the receiver may see its own 200 first.
    await eventually(
      async () =>
        (JSON.parse((await redis.hget(keys.approvalDeliveries(id), terminal.event.id))!) as { state: string }).state === 'delivered',
      'the delivery saved as delivered',
    );
  });
});
