import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { FakePollsStore } from '../../test/unit/fake-polls-store';
import { strictMock } from '../../test/unit/strict-mock';
import { PollHandler, PollResult } from './poll.handler';
import { PollTickService } from './poll-tick.service';
import { ClaimedPoll, PollsStore } from './polls.store';

const INTERVAL_MS = 1000;
const LEASE_MS = 30_000;
const config = { polling: { intervalMs: INTERVAL_MS, concurrency: 4, tickMs: 100, leaseMs: LEASE_MS } } as AppConfig;

/** A poll that answers when the test says so, to hold polls in flight. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe(PollTickService.name, () => {
  let store: FakePollsStore;
  let handle: jest.Mock<Promise<PollResult>, [ClaimedPoll]>;
  let metrics: jest.Mocked<MetricsService>;
  let sut: PollTickService;
  const pendingAgain = (data: ClaimedPoll): PollResult => ({
    kind: 'again',
    atMs: Date.now() + INTERVAL_MS,
    data: { approvalId: data.approvalId },
  });

  beforeEach(() => {
    store = new FakePollsStore();
    handle = jest.fn(async (data: ClaimedPoll) => pendingAgain(data));
    metrics = strictMock<MetricsService>({ pollFinished: () => undefined }, 'metrics');
    const handler = strictMock<PollHandler>({ handle }, 'handler');
    sut = new PollTickService(store as unknown as PollsStore, handler, metrics, config);
  });

  const due = (...ids: string[]) => ids.forEach((id) => store.due.set(id, Date.now() - 1));

  it('polls every due approval once and writes back its next poll time; approvals not due yet wait', async () => {
    due('a', 'b');
    store.due.set('later', Date.now() + 60_000);
    const before = Date.now();
    expect(await sut.handleTick()).toBe(2);
    expect(handle.mock.calls.map(([data]) => data.approvalId).sort()).toEqual(['a', 'b']);
    for (const id of ['a', 'b']) {
      expect(store.due.get(id)).toBeGreaterThanOrEqual(before + INTERVAL_MS);
      expect(store.due.get(id)).toBeLessThan(before + LEASE_MS);
    }
    expect(metrics.pollFinished).toHaveBeenCalledWith('still_pending');
  });

  it('drains a backlog larger than its concurrency in one tick, never running more polls at once than allowed', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `op-${i}`);
    due(...ids);
    let inFlight = 0;
    let most = 0;
    handle.mockImplementation(async (data) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return pendingAgain(data);
    });
    expect(await sut.handleTick()).toBe(30);
    expect(most).toBe(config.polling.concurrency);
    expect(new Set(handle.mock.calls.map(([d]) => d.approvalId)).size).toBe(30);
  });

  it('never polls one approval twice at once when ticks overlap', async () => {
    due('a', 'b', 'c');
    const gate = deferred<void>();
    handle.mockImplementation(async (data) => {
      await gate.promise;
      return pendingAgain(data);
    });
    const first = sut.handleTick();
    await new Promise((resolve) => setImmediate(resolve));
    const second = sut.handleTick();
    await new Promise((resolve) => setImmediate(resolve));
    gate.resolve();
    expect((await first) + (await second)).toBe(3);
    expect(handle.mock.calls.map(([d]) => d.approvalId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('stops following an approval whose poll ended it', async () => {
    due('a');
    store.failures.set('a', 2);
    handle.mockResolvedValue({ kind: 'done', status: 'approved' });
    await sut.handleTick();
    expect(store.due.has('a')).toBe(false);
    expect(store.failures.has('a')).toBe(false);
    expect(metrics.pollFinished).toHaveBeenCalledWith('approved');
  });

  it('keeps the count of consecutive failures between polls, and clears it after an answer', async () => {
    due('a');
    handle.mockImplementationOnce(async () => ({ kind: 'again', atMs: Date.now() - 1, data: { approvalId: 'a', failures: 3 } }));
    await sut.handleTick();
    expect(store.failures.get('a')).toBe(3);
    await sut.handleTick();
    expect(handle).toHaveBeenLastCalledWith({ approvalId: 'a', failures: 3 });
    expect(store.failures.has('a')).toBe(false);
  });

  it('does not bring back an approval that was decided while its poll was in flight', async () => {
    due('a');
    const gate = deferred<void>();
    handle.mockImplementation(async (data) => {
      await gate.promise;
      return pendingAgain(data);
    });
    const tick = sut.handleTick();
    await new Promise((resolve) => setImmediate(resolve));
    await store.stop('a'); // what the cancel's transition does
    gate.resolve();
    await tick;
    expect(store.due.has('a')).toBe(false);
  });

  it('polls again an interval later when its own poll fails, without counting an upstream failure', async () => {
    due('a');
    handle.mockRejectedValueOnce(new Error('connection reset'));
    const before = Date.now();
    expect(await sut.handleTick()).toBe(1);
    expect(store.due.get('a')).toBeGreaterThanOrEqual(before + INTERVAL_MS);
    expect(store.due.get('a')).toBeLessThan(before + LEASE_MS);
    expect(store.failures.has('a')).toBe(false);
    expect(metrics.pollFinished).toHaveBeenCalledWith('error');
  });

  it('claims nothing once stopping, and leaves due approvals for the next worker', async () => {
    due('a');
    expect(await sut.handleTick(() => true)).toBe(0);
    expect(handle).not.toHaveBeenCalled();
    expect(store.due.get('a')).toBeLessThan(Date.now());
  });

  it('finishes the polls it claimed when stopping begins meanwhile', async () => {
    due(...Array.from({ length: 10 }, (_, i) => `op-${i}`));
    let stopping = false;
    handle.mockImplementation(async (data) => {
      stopping = true;
      return pendingAgain(data);
    });
    expect(await sut.handleTick(() => stopping)).toBe(config.polling.concurrency);
    const leftDue = [...store.due.values()].filter((at) => at < Date.now()).length;
    expect(leftDue).toBe(10 - config.polling.concurrency);
  });

  it('writes back the results that end together in one batch', async () => {
    due(...Array.from({ length: 4 }, (_, i) => `op-${i}`));
    const reschedule = jest.spyOn(store, 'reschedule');
    await sut.handleTick();
    expect(reschedule).toHaveBeenCalledTimes(1);
    expect(reschedule.mock.calls[0][0]).toHaveLength(4);
  });

  it("drains every shard's due approvals in one tick, starting one shard further each tick", async () => {
    store = new FakePollsStore(3);
    sut = new PollTickService(store as unknown as PollsStore, strictMock<PollHandler>({ handle }, 'handler'), metrics, config);
    const ids = Array.from({ length: 12 }, (_, i) => `op-${i}`);
    due(...ids);
    expect(new Set(ids.map((id) => store.shardOf(id))).size).toBe(3);
    const claim = jest.spyOn(store, 'claim');
    expect(await sut.handleTick()).toBe(12);
    expect(handle.mock.calls.map(([data]) => data.approvalId).sort()).toEqual([...ids].sort());
    const firstShardOfTick = () => claim.mock.calls[0][0];
    const first = firstShardOfTick();
    claim.mockClear();
    await sut.handleTick();
    expect(firstShardOfTick()).toBe((first + 1) % 3);
  });

  it("goes on with the other shards when one shard's claim fails (its master failing over)", async () => {
    store = new FakePollsStore(3);
    metrics = strictMock<MetricsService>({ pollFinished: () => undefined }, 'metrics');
    sut = new PollTickService(store as unknown as PollsStore, strictMock<PollHandler>({ handle }, 'handler'), metrics, config);
    const ids = Array.from({ length: 12 }, (_, i) => `op-${i}`);
    due(...ids);
    // The tick's first shard: without going on past it, nothing would be polled at all.
    const failing = 0;
    const claim = store.claim.bind(store);
    jest.spyOn(store, 'claim').mockImplementation(async (shard, ...rest) => {
      if (shard === failing) throw new Error('CLUSTERDOWN The cluster is down');
      return claim(shard, ...rest);
    });
    expect(await sut.handleTick()).toBe(ids.filter((id) => store.shardOf(id) !== failing).length);
    const polled = new Set(handle.mock.calls.map(([data]) => data.approvalId));
    expect([...polled].sort()).toEqual(ids.filter((id) => store.shardOf(id) !== failing).sort());
  });
});
