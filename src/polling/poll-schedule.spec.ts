import fc from 'fast-check';
import { MAX_BACKOFF_MS, nextPollAt, nextPollDelay } from './poll-schedule';

describe(nextPollDelay.name, () => {
  const interval = 1000;

  it('polls a pending approval again within ±10 % of the interval', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999999, noNaN: true }), (r) => {
        const delay = nextPollDelay({ kind: 'pending' }, interval, () => r);
        return delay >= 900 && delay <= 1100;
      }),
    );
  });

  it('waits at least what Retry-After asked when throttled', () => {
    expect(nextPollDelay({ kind: 'throttled', retryAfterMs: 5000 }, interval, () => 0)).toBe(5000);
    expect(nextPollDelay({ kind: 'throttled', retryAfterMs: 10 }, interval, () => 0)).toBe(interval);
  });

  it('backs off when upstream is unavailable: never sooner than the interval, never later than the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (failures, r) => {
        const delay = nextPollDelay({ kind: 'unavailable', failures }, interval, () => r);
        return delay >= interval && delay <= MAX_BACKOFF_MS;
      }),
    );
  });

  it('grows the backoff cap with consecutive failures', () => {
    const atMost = (failures: number) => nextPollDelay({ kind: 'unavailable', failures }, interval, () => 0.999999);
    expect(atMost(1)).toBeLessThan(atMost(3));
    expect(atMost(20)).toBe(MAX_BACKOFF_MS);
  });
});

describe(nextPollAt.name, () => {
  it('never schedules past the deadline, so the last poll happens at the deadline', () => {
    expect(nextPollAt(1000, 5000, 3000)).toBe(3000);
    expect(nextPollAt(1000, 500, 3000)).toBe(1500);
    expect(nextPollAt(1000, 5000, 3000, 900)).toBe(3000);
  });

  it('keeps the rhythm: counts from when the poll was due, not from when it finished', () => {
    expect(nextPollAt(1080, 1000, 60_000, 1000)).toBe(2000);
    expect(nextPollAt(1080, 1000, 60_000)).toBe(2080);
  });

  it('lets a late poll bring the next one closer by a tenth of the delay at most', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 100, max: 10_000 }),
        (due, lateBy, delay) => {
          const now = due + lateBy;
          const at = nextPollAt(now, delay, Number.MAX_SAFE_INTEGER, due);
          const onRhythm = lateBy <= delay / 10;
          return at >= now + delay - Math.round(delay / 10) && at <= now + delay && (!onRhythm || at === due + delay);
        },
      ),
    );
  });
});

describe('nextPollDelay with a Retry-After or an open circuit', () => {
  it('never polls before the time upstream or the circuit asked for, and spreads the returns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (failures, retryAfterMs, r) => {
          const delay = nextPollDelay({ kind: 'unavailable', failures, retryAfterMs }, 1000, () => r);
          return delay >= retryAfterMs && delay >= 1000 && delay <= Math.max(MAX_BACKOFF_MS, retryAfterMs * 1.2 + 1000);
        },
      ),
    );
  });
});
