import { setMaxListeners } from 'node:events';

/** Requests sharing one signal at most: each adds an abort listener, and adding or removing one walks the list. */
const MAX_REQUESTS_PER_SIGNAL = 64;

/**
 * Whole-request deadlines as AbortSignals shared by up to 64 requests that start within the same
 * window: a window's signal aborts `timeoutMs + windowMs` after the window opened, so every request
 * gets between timeoutMs and timeoutMs + windowMs. On Node 20 creating an AbortSignal costs several
 * µs, a good part of a whole keep-alive GET; sharing makes it one per window, with one timer,
 * instead of one signal and one timer per request.
 */
export class RequestDeadlines {
  private signal?: AbortSignal;
  private uses = 0;
  private windowEndsAt = 0;
  private readonly windowMs: number;

  constructor(private readonly timeoutMs: number) {
    // A tenth of the timeout, at most 50 ms: a deadline is never more than 10 % (or 50 ms) late.
    this.windowMs = Math.max(1, Math.min(50, Math.floor(timeoutMs / 10)));
  }

  /** The signal for a request starting now; it is not aborted before timeoutMs from now. */
  next(): AbortSignal {
    const now = performance.now();
    this.uses += 1;
    if (this.signal === undefined || this.uses > MAX_REQUESTS_PER_SIGNAL || now >= this.windowEndsAt) {
      const controller = new AbortController();
      // Up to 64 listeners by design; Node would warn of a leak past 10.
      setMaxListeners(0, controller.signal);
      // unref: a deadline waiting for requests long answered must not keep the process alive.
      setTimeout(() => controller.abort(), this.timeoutMs + this.windowMs).unref();
      this.signal = controller.signal;
      this.uses = 1;
      this.windowEndsAt = now + this.windowMs;
    }
    return this.signal;
  }
}
