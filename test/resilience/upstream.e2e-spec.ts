import { ApiClient } from '../helpers/api-client';
import { BANK_APP } from '../helpers/clients';
import type { SimulatorFault } from '../../simulator/simulator.faults';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/**
 * Upstream faults: while Recognize fails, approvals stay pending, polls back off (measured on the
 * simulator's per-operation GET counters: no storm), the circuit breaker stops the hammering, and
 * every approval ends correctly once Recognize recovers. SOAK=1 holds each outage for a minute.
 */
const SOAK = process.env.SOAK === '1';
const OUTAGE_MS = SOAK ? 60_000 : 6000;
const APPROVALS = 12;
const INTERVAL_MS = 100;
/** Unthrottled, an approval would be polled 600 times a minute at this interval; we allow under 90. */
const MAX_GETS_PER_APPROVAL_PER_MINUTE = 90;

jest.setTimeout(SOAK ? 20 * 60_000 : 180_000);

const FAULTS: [string, SimulatorFault][] = [
  ['500s', { route: 'get', status: 500 }],
  ['429 with Retry-After', { route: 'get', status: 429, retryAfter: '2' }],
  ['malformed JSON', { route: 'get', malformed: true }],
  ['hanging requests', { route: 'get', delayMs: 10 * 60_000 }],
];

describe('Upstream faults: Recognize failing for seconds to minutes', () => {
  let t: TestApp;
  let bank: ApiClient;

  beforeAll(async () => {
    t = await startTestApp({
      POLL_INTERVAL_MS: String(INTERVAL_MS),
      RECOGNIZE_TIMEOUT_MS: '500',
      RECOGNIZE_BREAKER_THRESHOLD: '5',
      RECOGNIZE_BREAKER_HALF_OPEN_MS: '1000',
      RATE_LIMIT_CREATES: '1000000',
      RATE_LIMIT_REQUESTS: '1000000',
    });
    bank = t.api(BANK_APP.apiKey);
  });
  afterAll(() => t.close());
  afterEach(() => t.sim.clearFaults());

  it.each(FAULTS)('%s: approvals stay pending, polls back off, all end right after recovery', async (_kind, fault) => {
    const ids: string[] = [];
    for (let i = 0; i < APPROVALS; i++) {
      const res = await bank.create({ userId: newUserId(), message: 'Wire during an outage' });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    await t.sim.fault(fault);
    const before = (await t.sim.stats()).getsByOperation;
    // Half are approved on the phone during the outage: the service must not lose those decisions.
    for (const id of ids.slice(0, APPROVALS / 2)) await t.sim.approve(id);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS)); // the outage itself, not a synchronisation
    const during = (await t.sim.stats()).getsByOperation;

    const perMinute = ids.map((id) => ((during[id] ?? 0) - (before[id] ?? 0)) * (60_000 / OUTAGE_MS));
    expect(Math.max(...perMinute)).toBeLessThan(MAX_GETS_PER_APPROVAL_PER_MINUTE);
    for (const id of ids) expect((await bank.get(id)).body.status).toBe('pending');

    await t.sim.clearFaults();
    for (const id of ids.slice(APPROVALS / 2)) await t.sim.reject(id);
    const ends = await Promise.all(ids.map((id) => t.events.waitFor(id, 'terminal', 90_000)));
    expect(ends.map((e) => e.event.type)).toEqual(ids.map((_, i) => (i < APPROVALS / 2 ? 'approval.approved' : 'approval.rejected')));
  });

  it('opens the circuit on a dead upstream: creations answer 502/503 at once, nothing is left behind, upstream is spared', async () => {
    await t.sim.fault({ route: 'any', status: 503 });
    const before = (await t.sim.stats()).requests.create;
    const answers: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const operationId = `dead-upstream-${Date.now()}-${i}`;
      ids.push(operationId);
      const res = await bank.create({ operationId, userId: newUserId() });
      answers.push(res.status);
      if (res.status === 503) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    const sent = (await t.sim.stats()).requests.create - before;
    expect(answers.every((s) => s === 502 || s === 503)).toBe(true);
    // Five failures open the circuit; later creations are refused without reaching Recognize.
    expect(sent).toBeLessThanOrEqual(6);
    for (const id of ids) expect((await bank.get(id)).status).toBe(404);

    await t.sim.clearFaults();
    const waitForClosedCircuit = async (): Promise<number> => {
      for (let i = 0; i < 100; i++) {
        const res = await bank.create({ userId: newUserId() });
        if (res.status === 201) return res.status;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return 0;
    };
    expect(await waitForClosedCircuit()).toBe(201);
  });
});
