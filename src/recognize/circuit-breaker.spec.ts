import { RecognizeCircuitBreaker } from './circuit-breaker';
import { RecognizeNotFoundError, RecognizeThrottledError, RecognizeUnavailableError } from './recognize.errors';

const outage = () => new RecognizeUnavailableError('GET /operations/x: upstream answered 500', 'status', 500);

describe(RecognizeCircuitBreaker.name, () => {
  let sut: RecognizeCircuitBreaker;
  let calls: number;

  const failing = () =>
    sut.execute('GET /operations/x', async () => {
      calls += 1;
      throw outage();
    });
  const working = () =>
    sut.execute('GET /operations/x', async () => {
      calls += 1;
      return 'ok';
    });

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2025-05-21T10:00:00Z') });
    sut = new RecognizeCircuitBreaker({ threshold: 3, halfOpenAfterMs: 5000 });
    calls = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('opens after `threshold` consecutive outages and then fails fast without calling upstream', async () => {
    for (let i = 0; i < 3; i++) await expect(failing()).rejects.toMatchObject({ reason: 'status' });
    expect(sut.state).toBe('open');
    const rejected = await failing().catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(RecognizeUnavailableError);
    expect(rejected).toMatchObject({ reason: 'circuit_open', retryAfterMs: 5000 });
    expect(calls).toBe(3);
  });

  it('says how long is left until a trial call may pass', async () => {
    for (let i = 0; i < 3; i++) await failing().catch(() => undefined);
    jest.advanceTimersByTime(2000);
    await expect(working()).rejects.toMatchObject({ reason: 'circuit_open', retryAfterMs: 3000 });
  });

  it('lets one trial through after the half-open delay and closes when it succeeds', async () => {
    for (let i = 0; i < 3; i++) await failing().catch(() => undefined);
    jest.advanceTimersByTime(5000);
    await expect(working()).resolves.toBe('ok');
    expect(sut.state).toBe('closed');
    await expect(working()).resolves.toBe('ok');
    expect(calls).toBe(5);
  });

  it('opens again at once when the trial call fails', async () => {
    for (let i = 0; i < 3; i++) await failing().catch(() => undefined);
    jest.advanceTimersByTime(5000);
    await expect(failing()).rejects.toMatchObject({ reason: 'status' });
    expect(sut.state).toBe('open');
    await expect(working()).rejects.toMatchObject({ reason: 'circuit_open' });
    expect(calls).toBe(4);
  });

  it('does not count answers of a working upstream (404, 429) nor lets a success in between keep counting', async () => {
    await failing().catch(() => undefined);
    await failing().catch(() => undefined);
    await working();
    await failing().catch(() => undefined);
    await sut
      .execute('x', async () => {
        throw new RecognizeNotFoundError('404', 404);
      })
      .catch(() => undefined);
    await sut
      .execute('x', async () => {
        throw new RecognizeThrottledError('429', 1000);
      })
      .catch(() => undefined);
    await failing().catch(() => undefined);
    expect(sut.state).toBe('closed');
  });
});
