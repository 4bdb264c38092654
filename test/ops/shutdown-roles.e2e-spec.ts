import { randomUUID } from 'node:crypto';
import { SIMULATOR_DEFAULT_API_KEY } from '../../src/config/config.loader';
import { EventStreamSubscriber } from '../../src/events/event-stream.subscriber';
import { PollProcessor } from '../../src/polling/poll.processor';
import { MetricsService } from '../../src/metrics/metrics.service';
import { BANK_APP } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { newUserId, startTestApp, TestApp } from '../helpers/test-app';

/** Polls this process has made, by its metrics. */
async function pollsBy(t: TestApp): Promise<number> {
  const metric = t.app.get(MetricsService).registry.getSingleMetric('stepup_polls_total');
  return ((await metric?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

/** ROLE=api and ROLE=worker processes sharing one Redis prefix do together what ROLE=all does alone. */
describe('process roles', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  let api: TestApp;
  let worker: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ ROLE: 'api' }, prefix);
    // Both processes talk to the same Recognize: the simulator the API process started.
    worker = await startTestApp(
      { ROLE: 'worker', RECOGNIZE_BASE_URL: api.simulatorBaseUrl, RECOGNIZE_API_KEY: SIMULATOR_DEFAULT_API_KEY },
      prefix,
    );
  });

  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('runs no poll worker in ROLE=api, and one in ROLE=worker', () => {
    expect(() => api.app.get(PollProcessor)).toThrow();
    expect(worker.app.get(PollProcessor).worker.isRunning()).toBe(true);
  });

  it('opens no SSE stream reader in ROLE=worker', () => {
    expect(() => worker.app.get(EventStreamSubscriber)).toThrow();
    expect(api.app.get(EventStreamSubscriber)).toBeDefined();
  });

  it('serves no /v1 route in ROLE=worker', async () => {
    const response = await worker.api(BANK_APP.apiKey).create({ userId: newUserId() });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('decides an approval created on the API process by polling on the worker process', async () => {
    const created = await api.api(BANK_APP.apiKey).create({ userId: newUserId() });
    expect(created.status).toBe(201);
    await api.sim.approve(created.body.id);
    const decided = await api.events.waitFor(created.body.id, 'terminal');
    expect(decided.event.type).toBe('approval.approved');
  });

  it('shares the polls between worker processes: each takes ticks and polls', async () => {
    const second = await startTestApp(
      { ROLE: 'worker', RECOGNIZE_BASE_URL: api.simulatorBaseUrl, RECOGNIZE_API_KEY: SIMULATOR_DEFAULT_API_KEY },
      prefix,
    );
    try {
      const before = [await pollsBy(worker), await pollsBy(second)];
      const bank = api.api(BANK_APP.apiKey);
      // Pending until cancelled, polled every 100 ms: ticks keep coming until both processes have taken some.
      const created = await Promise.all([1, 2, 3, 4].map(() => bank.create({ userId: newUserId(), timeoutSeconds: 120 })));
      await eventually(async () => (await pollsBy(worker)) > before[0], 'the first worker process to poll', { timeoutMs: 60_000 });
      await eventually(async () => (await pollsBy(second)) > before[1], 'the second worker process to poll', { timeoutMs: 60_000 });
      await Promise.all(created.map((c) => bank.cancel(c.body.id)));
    } finally {
      // Not second.close(): the key prefix is shared with the processes still running.
      second.events.close();
      await second.app.close();
      await second.redis.quit();
    }
  });
});
