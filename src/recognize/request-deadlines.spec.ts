import { RequestDeadlines } from './request-deadlines';

describe(RequestDeadlines.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives requests of the same window one signal, and a later request a new one', () => {
    const sut = new RequestDeadlines(1000); // windows of 50 ms
    const first = sut.next();
    jest.advanceTimersByTime(49);
    expect(sut.next()).toBe(first);
    jest.advanceTimersByTime(1);
    expect(sut.next()).not.toBe(first);
  });

  it('never aborts before the timeout of the window’s last request, and aborts within one window after it', () => {
    const sut = new RequestDeadlines(1000);
    const signal = sut.next();
    jest.advanceTimersByTime(49);
    expect(sut.next()).toBe(signal);
    jest.advanceTimersByTime(1000);
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
  });

  it('keeps windows short for short timeouts', () => {
    const sut = new RequestDeadlines(100); // windows of 10 ms
    const signal = sut.next();
    jest.advanceTimersByTime(10);
    expect(sut.next()).not.toBe(signal);
    jest.advanceTimersByTime(99);
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
  });

  it('shares one signal among 64 requests at most', () => {
    const sut = new RequestDeadlines(1000);
    const signals = Array.from({ length: 65 }, () => sut.next());
    expect(new Set(signals.slice(0, 64)).size).toBe(1);
    expect(signals[64]).not.toBe(signals[0]);
  });
});
