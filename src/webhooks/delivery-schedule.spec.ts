import fc from 'fast-check';
import { MAX_DELIVERY_DELAY_MS, nextAttemptAt, retryDelay } from './delivery-schedule';

const unit = fc.double({ min: 0, max: 0.999999, noNaN: true });

describe(retryDelay.name, () => {
  it('draws uniformly under an exponential cap (full jitter)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 10, max: 60_000 }), unit, (attempt, base, r) => {
        const delay = retryDelay(attempt, base, () => r);
        return delay >= 0 && delay <= Math.min(MAX_DELIVERY_DELAY_MS, base * 2 ** (attempt - 1));
      }),
    );
  });

  it('doubles the cap with each failed attempt until the longest wait', () => {
    const atMost = (attempt: number) => retryDelay(attempt, 1000, () => 1);
    expect([1, 2, 3, 4].map(atMost)).toEqual([1000, 2000, 4000, 8000]);
    expect(atMost(40)).toBe(MAX_DELIVERY_DELAY_MS);
  });
});

describe(nextAttemptAt.name, () => {
  it('never schedules an attempt after the horizon, nor before now', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 10 ** 8 }),
        unit,
        (nowMs, attempt, left, r) => {
          const deadlineMs = nowMs + left;
          const at = nextAttemptAt({ nowMs, attempt, baseMs: 1000, deadlineMs }, () => r);
          return left === 0 ? at === undefined : at !== undefined && at >= nowMs && at <= deadlineMs;
        },
      ),
    );
  });

  it('makes the last attempt at the horizon, then gives up', () => {
    expect(nextAttemptAt({ nowMs: 1000, attempt: 30, baseMs: 1000, deadlineMs: 5000 }, () => 0.999)).toBe(5000);
    expect(nextAttemptAt({ nowMs: 5000, attempt: 31, baseMs: 1000, deadlineMs: 5000 }, () => 0.5)).toBeUndefined();
  });

  it('waits at least what Retry-After asked, whatever the jitter draws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: 1, max: 20 }), unit, (asked, attempt, r) => {
        const at = nextAttemptAt({ nowMs: 0, attempt, baseMs: 1000, deadlineMs: 86_400_000, retryAfterMs: asked }, () => r);
        return at !== undefined && at >= asked;
      }),
    );
  });

  it('dead-letters instead of calling sooner when Retry-After points past the horizon', () => {
    expect(nextAttemptAt({ nowMs: 0, attempt: 1, baseMs: 1000, deadlineMs: 10_000, retryAfterMs: 20_000 }, () => 0)).toBeUndefined();
  });
});
