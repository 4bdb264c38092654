import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/** One registered wait: `done` resolves on a wake-up, the timeout, the signal or cancel(), whichever comes first. */
export interface ApprovalWaiter {
  done: Promise<void>;
  cancel(): void;
}

/**
 * Long-poll requests waiting for an approval to change, by approval id, in this process. The events
 * capability wakes them from the event stream every API instance already reads (events/sse.hub.ts),
 * so a waiting request costs a timer and a closure, never a Redis connection. A wake-up only says
 * "look again": the waiting side re-reads the approval.
 */
@Injectable()
export class ApprovalWaiters implements BeforeApplicationShutdown {
  private readonly waiting = new Map<string, Set<() => void>>();
  /** The process is stopping: held requests answer now, and no new one waits. */
  closing = false;

  register(approvalId: string, timeoutMs: number, signal: AbortSignal): ApprovalWaiter {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        const set = this.waiting.get(approvalId);
        if (set?.delete(finish) && set.size === 0) this.waiting.delete(approvalId);
        resolve();
      };
    });
    const timer = setTimeout(finish, timeoutMs);
    signal.addEventListener('abort', finish, { once: true });
    let set = this.waiting.get(approvalId);
    if (!set) this.waiting.set(approvalId, (set = new Set()));
    set.add(finish);
    if (signal.aborted) finish();
    return { done, cancel: finish };
  }

  /** Something happened to this approval (an event of it was read from the stream). */
  wake(approvalId: string): void {
    const set = this.waiting.get(approvalId);
    if (set) for (const finish of [...set]) finish();
  }

  /** Events may have been missed (the stream reader found a gap), or the process is stopping: everyone looks again. */
  wakeAll(): void {
    for (const set of [...this.waiting.values()]) for (const finish of [...set]) finish();
  }

  /** Requests waiting in this process. */
  count(): number {
    let n = 0;
    for (const set of this.waiting.values()) n += set.size;
    return n;
  }

  /** A held request answers now (still pending) instead of holding up the shutdown. */
  beforeApplicationShutdown(): void {
    this.closing = true;
    this.wakeAll();
  }
}
