import { ApprovalWaiters } from './approval-waiters';

describe(ApprovalWaiters.name, () => {
  let sut: ApprovalWaiters;

  beforeEach(() => {
    jest.useFakeTimers();
    sut = new ApprovalWaiters();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  const settled = async (promise: Promise<void>): Promise<boolean> => {
    let done = false;
    void promise.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  };

  it('wakes the waiters of one approval only', async () => {
    const a = sut.register('a', 60_000, new AbortController().signal);
    const b = sut.register('b', 60_000, new AbortController().signal);
    sut.wake('a');
    expect(await settled(a.done)).toBe(true);
    expect(await settled(b.done)).toBe(false);
    expect(sut.count()).toBe(1);
  });

  it('ends a wait at its timeout and forgets it', async () => {
    const waiter = sut.register('a', 1000, new AbortController().signal);
    jest.advanceTimersByTime(999);
    expect(await settled(waiter.done)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(waiter.done)).toBe(true);
    expect(sut.count()).toBe(0);
  });

  it('forgets a waiter whose caller went away, and one already aborted', async () => {
    const gone = new AbortController();
    const waiter = sut.register('a', 60_000, gone.signal);
    gone.abort();
    expect(await settled(waiter.done)).toBe(true);
    expect(await settled(sut.register('a', 60_000, gone.signal).done)).toBe(true);
    expect(sut.count()).toBe(0);
  });

  it('wakes everyone on shutdown and says it is closing', async () => {
    const waiter = sut.register('a', 60_000, new AbortController().signal);
    sut.beforeApplicationShutdown();
    expect(await settled(waiter.done)).toBe(true);
    expect(sut.closing).toBe(true);
  });
});
