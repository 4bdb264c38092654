/** Releases a slot; calling it more than once releases it once. */
export type ReleaseSlot = () => void;

interface ClientState {
  inFlight: number;
  waiters: ((release: ReleaseSlot) => void)[];
}

/**
 * Webhook requests open per client in this process. A receiver that answers quickly frees its
 * client's slots within milliseconds, so a delivery that finds them all taken waits its turn (first
 * come, first served) rather than leaving the worker for a fixed delay, which is what made webhooks
 * trail SSE under a burst of decisions. A slow receiver keeps its slots: its deliveries wait at most
 * `waitMs`, and at most `maxWaiting` of them at once, then step aside; a waiting delivery holds a
 * worker slot, so `maxWaiting` is what keeps the other clients' share of the worker.
 */
export class ClientSlots {
  private readonly clients = new Map<string, ClientState>();

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
    private readonly waitMs: number,
  ) {}

  /** Resolves to a release once a slot is held, or to undefined when the delivery should step aside. */
  acquire(clientId: string): Promise<ReleaseSlot | undefined> {
    const free = this.tryAcquire(clientId);
    if (free) return Promise.resolve(free);
    const state = this.clients.get(clientId)!;
    if (state.waiters.length >= this.maxWaiting) return Promise.resolve(undefined);
    const waiters = state.waiters;
    return new Promise((resolve) => {
      const wake = (release: ReleaseSlot) => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(wake), 1);
        resolve(undefined);
      }, this.waitMs);
      waiters.push(wake);
    });
  }

  /** A slot now if one is free, else undefined, never waiting: all taken means some wait already, who come first. */
  tryAcquire(clientId: string): ReleaseSlot | undefined {
    let state = this.clients.get(clientId);
    if (!state) this.clients.set(clientId, (state = { inFlight: 0, waiters: [] }));
    if (state.inFlight >= this.limit) return undefined;
    state.inFlight += 1;
    return this.releaser(clientId, state);
  }

  /** Slots held and deliveries waiting for one, per client with any (for tests and diagnostics). */
  snapshot(): Record<string, { inFlight: number; waiting: number }> {
    const out: Record<string, { inFlight: number; waiting: number }> = {};
    for (const [id, s] of this.clients) out[id] = { inFlight: s.inFlight, waiting: s.waiters.length };
    return out;
  }

  private releaser(clientId: string, state: ClientState): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the first waiter: the count stays, nobody can jump the queue.
      const next = state.waiters.shift();
      if (next) return next(this.releaser(clientId, state));
      state.inFlight -= 1;
      if (state.inFlight === 0) this.clients.delete(clientId);
    };
  }
}
