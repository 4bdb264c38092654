/**
 * What the watchdog needs of a queue worker: our own narrow view, so that its decisions are tested
 * without BullMQ (bullmq-watched-worker.ts adapts a BullMQ Worker to it).
 */
export interface WatchedWorker {
  /** The queue's name, for the log line and the metric label. */
  readonly queue: string;
  /** Milliseconds the worker may legitimately sit idle with jobs ready (its own retry pauses). */
  readonly stallAfterMs: number;
  /** Running, neither paused nor closing, and running no job: it would take a ready job now. */
  isIdle(): boolean;
  /** When it last picked a job up (epoch ms), or undefined if it has picked none. */
  lastPickupAt(): number | undefined;
  /** Jobs ready to run on its queue (waiting, prioritized, and delayed ones past their time); rejects when Redis does not answer. */
  readyJobs(): Promise<number>;
  /** Replaces it with a fresh worker; resolves to where the stuck one was, for the log. */
  recover(): Promise<string>;
}

/** What one check did with a worker: what the service logs and counts. */
export type WatchdogVerdict = { kind: 'busy' | 'idle' | 'unknown' | 'suspect' } | { kind: 'recovered'; found: string };

/**
 * Notices a worker that picks no job up while jobs are ready on its queue, and recovers it.
 *
 * After a master's failover, BullMQ 5.81.5 can leave a worker stuck for good: its connections came
 * back, but a promise its main loop awaits never settles, and no error is emitted
 * (taskforcesh/bullmq#3088, #3185, #4138). Its jobs then wait on Redis until the process restarts.
 *
 * A worker is suspect from the first check that finds jobs ready while it runs no job and has picked
 * none up since the check before; it is recovered once it stays so for `stallAfterMs`. A pickup clears
 * the suspicion. Running no job rather than having a free slot: a replaced worker's running jobs would
 * be left to stalled-job recovery, and a stuck fetch does not keep running jobs from finishing. A
 * worker that picked a job up since the last check, or runs one, costs no Redis call; any other costs
 * one read of two counters (O(1), whatever the number of jobs).
 */
export class WorkerWatchdog {
  private readonly suspectSince = new Map<WatchedWorker, number>();
  private lastCheckAt?: number;

  constructor(private readonly workers: () => WatchedWorker[]) {}

  async check(now: number): Promise<Map<WatchedWorker, WatchdogVerdict>> {
    const since = this.lastCheckAt ?? -Infinity;
    this.lastCheckAt = now;
    const verdicts = new Map<WatchedWorker, WatchdogVerdict>();
    await Promise.all(this.workers().map(async (worker) => verdicts.set(worker, await this.checkOne(worker, since, now))));
    return verdicts;
  }

  private async checkOne(worker: WatchedWorker, lastCheckAt: number, now: number): Promise<WatchdogVerdict> {
    const pickedUp = worker.lastPickupAt();
    if (!worker.isIdle() || (pickedUp !== undefined && pickedUp >= lastCheckAt)) {
      this.suspectSince.delete(worker);
      return { kind: 'busy' };
    }
    let ready: number;
    try {
      ready = await worker.readyJobs();
    } catch {
      // Redis not answering: an outage the worker's own reconnect handles, not a stall.
      this.suspectSince.delete(worker);
      return { kind: 'unknown' };
    }
    const pickedSince = worker.lastPickupAt();
    if (ready === 0 || (pickedSince !== undefined && pickedSince >= lastCheckAt)) {
      this.suspectSince.delete(worker);
      return { kind: 'idle' };
    }
    const suspect = this.suspectSince.get(worker);
    if (suspect === undefined) {
      this.suspectSince.set(worker, now);
      return { kind: 'suspect' };
    }
    if (now - suspect < worker.stallAfterMs) return { kind: 'suspect' };
    // Give the recovered worker a full stallAfterMs of its own before judging it again.
    this.suspectSince.set(worker, now);
    return { kind: 'recovered', found: await worker.recover() };
  }
}
