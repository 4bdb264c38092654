import { BrokenCircuitError, CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { RecognizeUnavailableError } from './recognize.errors';

export interface CircuitBreakerOptions {
  /** Consecutive outage answers (5xx, timeouts, refused connections, malformed bodies) that open the circuit. */
  threshold: number;
  /** How long the circuit stays open before one trial call may pass. */
  halfOpenAfterMs: number;
}

/**
 * Stops this instance from hammering a Recognize that is down. Only outages count: a 404, 409 or
 * 429 is an answer from a working upstream (429 has its own Retry-After handling in the poll
 * schedule). While open, calls fail at once with a `circuit_open` RecognizeUnavailableError that
 * says when to come back, so polls are rescheduled (never failed) and creations answer 503 quickly.
 * State is per process: each instance trips on its own, which is enough to bound the load.
 */
export class RecognizeCircuitBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private openedAtMs?: number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.policy = circuitBreaker(handleWhen(isOutage), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.threshold),
    });
    this.policy.onBreak(() => (this.openedAtMs = Date.now()));
    this.policy.onReset(() => (this.openedAtMs = undefined));
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.policy.state === CircuitState.Closed) return 'closed';
    return this.policy.state === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  async execute<T>(label: string, call: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(call);
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) throw error;
      throw new RecognizeUnavailableError(
        `${label}: not sent, Recognize is failing (circuit open)`,
        'circuit_open',
        undefined,
        this.retryAfterMs(),
      );
    }
  }

  /** Time until a trial call may pass; while a trial is in flight, one more open period. */
  private retryAfterMs(): number {
    const remaining = (this.openedAtMs ?? Date.now()) + this.options.halfOpenAfterMs - Date.now();
    return remaining > 0 ? remaining : this.options.halfOpenAfterMs;
  }
}

function isOutage(error: unknown): boolean {
  return error instanceof RecognizeUnavailableError && error.reason !== 'circuit_open';
}
