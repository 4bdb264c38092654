import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import { ApiClient, ApiResponse, Approval } from '../helpers/api-client';
import { BANK_APP, OTHER_APP, clientSecrets } from '../helpers/clients';
import { EventWatcher } from '../helpers/event-watcher';
import { CapturingReceiver, ServiceProcess, ensureBuilt, freePort } from '../helpers/service-process';
import { newUserId } from '../helpers/test-app';
import { deleteKeys, testBullConnection, testQueuePrefix, testRedisClient, testRedisEnv, testRedisKeys } from '../helpers/test-redis';

/**
 * Nothing lost, nothing forged, under crashes: the BUILT service runs as a child process and is
 * killed with SIGKILL at random moments while polls, transitions and creations are in flight.
 * Recognize (the simulator) and the webhook receiver live in this process, so they outlive every
 * crash and approvals can be decided while the service is down. SOAK=1 runs a longer soak.
 */
const SOAK = process.env.SOAK === '1';
const ROUNDS = SOAK ? 10 : 3;
const PER_ROUND = SOAK ? 300 : 96;
const IN_FLIGHT_CREATES = SOAK ? 30 : 12;
const RECOGNIZE_API_KEY = `rk-${randomUUID()}`;
const POLL_LEASE_MS = 2000;

jest.setTimeout(SOAK ? 60 * 60_000 : 300_000);

/** What happens to an approval in a round, and so which terminal status it must end in. */
const PLANS = [
  { plan: 'approve-before-kill', status: 'approved' },
  { plan: 'reject-before-kill', status: 'rejected' },
  { plan: 'approve-while-down', status: 'approved' },
  { plan: 'reject-while-down', status: 'rejected' },
  { plan: 'vanish-while-down', status: 'failed' },
  { plan: 'approve-after-restart', status: 'approved' },
  { plan: 'cancel-after-restart', status: 'cancelled' },
  { plan: 'expire', status: 'expired' },
] as const;
type Plan = (typeof PLANS)[number]['plan'];

describe('Crashes: kill -9 at random moments, decisions while down, restart', () => {
  const prefix = `t-crash-${randomUUID().slice(0, 8)}`;
  const keys = testRedisKeys(prefix);
  const expected = new Map<string, string>();
  const responses: ApiResponse<unknown>[] = [];
  let sim: RecognizeSimulator;
  let receiver: CapturingReceiver;
  let service: ServiceProcess;
  let api: ApiClient;
  let redis: Redis;
  let watcher: EventWatcher;

  beforeAll(async () => {
    ensureBuilt();
    sim = new RecognizeSimulator({ apiKey: RECOGNIZE_API_KEY });
    const simulatorBaseUrl = await sim.listen();
    receiver = new CapturingReceiver();
    const webhookUrl = await receiver.listen();
    service = new ServiceProcess(await freePort(), {
      NODE_ENV: 'test',
      ...testRedisEnv(),
      REDIS_PREFIX: prefix,
      RECOGNIZE_BASE_URL: simulatorBaseUrl,
      RECOGNIZE_API_KEY,
      CLIENTS: JSON.stringify([{ ...BANK_APP, webhookUrl }, OTHER_APP]),
      POLL_INTERVAL_MS: '200',
      POLL_LEASE_MS: String(POLL_LEASE_MS),
      RECOGNIZE_TIMEOUT_MS: String(POLL_LEASE_MS / 2),
      // This suite is one client sending hundreds of requests a minute on purpose.
      RATE_LIMIT_CREATES: '1000000',
      RATE_LIMIT_REQUESTS: '1000000',
    });
    await service.start();
    api = new ApiClient(service.url, BANK_APP.apiKey);
    redis = testRedisClient();
    watcher = EventWatcher.of(keys);
  });

  afterAll(async () => {
    await service?.stop();
    watcher?.close();
    await receiver?.close();
    await sim?.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
  });

  async function create(body: Record<string, unknown>): Promise<ApiResponse<Approval>> {
    const response = await api.create(body);
    responses.push(response);
    return response;
  }

  /** Sums `count` over every shard of the service's keys. */
  async function overShards(count: (shard: number) => Promise<number>): Promise<number> {
    return (await Promise.all(keys.shards.all.map(count))).reduce((a, b) => a + b, 0);
  }

  async function inPool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
    const queue = [...items];
    await Promise.all(
      Array.from({ length: width }, async () => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
      }),
    );
  }

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(
    'round %i: every approval ends in its right terminal status, with one terminal event',
    async (round) => {
      const byPlan = new Map<Plan, string[]>(PLANS.map((p) => [p.plan, []]));
      const items = Array.from({ length: PER_ROUND }, (_, i) => PLANS[i % PLANS.length]);
      await inPool(items, 16, async ({ plan, status }) => {
        const res = await create({ userId: newUserId(), message: `Wire ${round}`, ...(plan === 'expire' && { timeoutSeconds: 3 }) });
        expect(res.status).toBe(201);
        expected.set(res.body.id, status);
        byPlan.get(plan)!.push(res.body.id);
      });

      // Creations racing the crash: each either answered before it, or is retried as is after restart.
      const inFlight = Array.from({ length: IN_FLIGHT_CREATES }, () => ({
        operationId: `crash-${round}-${randomUUID()}`,
        userId: newUserId(),
        message: 'in flight',
      }));
      const inFlightResults = inFlight.map((body) => create(body).catch(() => undefined));

      for (const id of byPlan.get('approve-before-kill')!) sim.approve(id);
      for (const id of byPlan.get('reject-before-kill')!) sim.reject(id);
      const killAfterMs = Math.floor(Math.random() * 600);
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      await service.kill();

      for (const id of byPlan.get('approve-while-down')!) sim.approve(id, { authType: 'pin' });
      for (const id of byPlan.get('reject-while-down')!) sim.reject(id);
      for (const id of byPlan.get('vanish-while-down')!) sim.vanish(id);

      await service.start();
      const settled = await Promise.all(inFlightResults);
      await inPool(
        inFlight.map((body, i) => ({ body, first: settled[i] })),
        4,
        async ({ body, first }) => {
          let res = first;
          if (!res || res.status >= 500) res = await create(body);
          expect([200, 201]).toContain(res.status);
          expected.set(body.operationId, 'approved');
          sim.approve(body.operationId);
        },
      );
      for (const id of byPlan.get('approve-after-restart')!) sim.approve(id);
      await inPool(byPlan.get('cancel-after-restart')!, 8, async (id) => {
        const res = await api.cancel(id);
        responses.push(res);
        expect({ id, status: res.status }).toEqual({ id, status: 200 });
      });

      const roundIds = [...byPlan.values()].flat().concat(inFlight.map((b) => b.operationId));
      await Promise.all(roundIds.map((id) => watcher.waitFor(id, 'terminal', 120_000)));

      const wrong: string[] = [];
      await inPool(roundIds, 16, async (id) => {
        const res = await api.get(id);
        responses.push(res);
        if (res.body.status !== expected.get(id))
          wrong.push(`${id}: ${res.body.status}, expected ${expected.get(id)} (killed after ${killAfterMs} ms)`);
        const events = (await redis.lrange(keys.approvalEvents(id), 0, -1)).map((e) => JSON.parse(e) as { id: string; type: string });
        const terminal = events.filter((e) => e.type !== 'approval.pending');
        if (terminal.length !== 1 || terminal[0].type !== `approval.${expected.get(id)}`)
          wrong.push(`${id}: events ${events.map((e) => e.type).join(',')}`);
      });
      expect(wrong).toEqual([]);
    },
  );

  // These two check what the rounds left behind: run alone (-t), they must fail, not pass on nothing.
  it('publishes one terminal event id per approval, in the log and on the stream alike', () => {
    expect(expected.size).toBeGreaterThanOrEqual(ROUNDS * PER_ROUND);
    for (const id of expected.keys()) {
      const terminal = watcher.all(id).filter((e) => e.event.type !== 'approval.pending');
      expect({ id, terminalEvents: new Set(terminal.map((e) => e.event.id)).size }).toEqual({ id, terminalEvents: 1 });
    }
  });

  it('delivers every terminal event id to the receiver at least once, across the crashes', async () => {
    expect(expected.size).toBeGreaterThanOrEqual(ROUNDS * PER_ROUND);
    const terminalIds = new Map<string, string>();
    for (const id of expected.keys()) {
      const events = (await redis.lrange(keys.approvalEvents(id), 0, -1)).map((e) => JSON.parse(e) as { id: string; type: string });
      terminalIds.set(id, events.find((e) => e.type !== 'approval.pending')!.id);
    }
    const delivered = () => new Set(receiver.delivered().map((w) => String(w.headers['webhook-id'])));
    await receiver.waitUntil(
      () => [...terminalIds.values()].every((eventId) => delivered().has(eventId)),
      120_000,
      'every terminal event delivered',
    );
    for (const w of receiver.received) {
      const body = JSON.parse(w.body) as { id: string; data: { id: string } };
      // A redelivery after a crash carries the same event: never a second terminal event of one approval.
      expect(body.id).toBe(terminalIds.get(body.data.id));
      expect(w.headers['webhook-id']).toBe(body.id);
    }
  });

  it('leaves no poll stuck: nothing left to poll, no tick failed, and the tick scheduler still runs', async () => {
    // Every approval of the rounds ended, and leaving pending removes an approval from the due set in
    // the same script: whatever the crashes interrupted, nothing may be left in it.
    expect(await overShards((shard) => redis.zcard(keys.pendingApprovals(shard)))).toBe(0);
    expect(await overShards((shard) => redis.zcard(keys.pollsDue(shard)))).toBe(0);
    expect(await overShards((shard) => redis.hlen(keys.pollFailures(shard)))).toBe(0);
    const connection = testBullConnection();
    const queue = new Queue('poll', { connection, prefix: testQueuePrefix(prefix) });
    try {
      expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toEqual(['poll-tick']);
    } finally {
      await queue.close();
      if (connection instanceof Redis.Cluster) await connection.quit();
    }
  });

  it('never writes a secret to its logs or responses', () => {
    const tokens = responses.flatMap((r) => {
      const eventsUrl = (r.body as { eventsUrl?: string } | undefined)?.eventsUrl;
      return eventsUrl ? [new URL(eventsUrl, 'http://x').searchParams.get('token')!] : [];
    });
    expect(tokens.length).toBeGreaterThan(0);
    const secrets = [...clientSecrets(RECOGNIZE_API_KEY), ...tokens];
    const logs = service.logs;
    expect(logs.length).toBeGreaterThan(0);
    const webhooks = receiver.received.map((w) => w.body + JSON.stringify(w.headers)).join('\n');
    // eventsUrl tokens travel in event data (contract v2: the data equals GET), so webhooks may carry them.
    for (const secret of secrets.slice(0, 5))
      expect(webhooks.includes(secret) ? `webhook contains ${secret.slice(0, 6)}…` : 'clean').toBe('clean');
    for (const secret of secrets) expect(logs.includes(secret) ? `log contains ${secret.slice(0, 6)}…` : 'clean').toBe('clean');
    const answered = responses.map((r) => JSON.stringify(r.body ?? r.text));
    for (const secret of secrets.slice(0, 5)) expect(answered.some((text) => text.includes(secret))).toBe(false);
  });
});
