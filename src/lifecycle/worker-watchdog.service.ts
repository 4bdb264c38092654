import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { QueuesService } from '../metrics/queues.service';
import { watchBullWorker } from './bullmq-watched-worker';
import { WatchedWorker, WorkerWatchdog } from './worker-watchdog';

/** How often the workers are looked at: a stall is recovered within its threshold plus this. */
const CHECK_EVERY_MS = 5000;

/**
 * Runs the WorkerWatchdog over every BullMQ worker of this process (found, not listed: a new queue
 * is watched without a change here), logs a warning naming the queue of each worker it replaces and
 * counts it in stepup_queue_worker_recoveries_total.
 */
@Injectable()
export class WorkerWatchdogService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Queues');
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly queues: QueuesService,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    const replace = (stale: Worker, fresh: Worker) => this.queues.replaceWorker(stale, fresh);
    const watched: WatchedWorker[] = this.queues.workers().map((worker) => watchBullWorker(worker, replace));
    if (!watched.length) return; // a process serving the API only
    const watchdog = new WorkerWatchdog(() => watched);
    this.timer = setInterval(() => void this.check(watchdog), CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** With the graceful shutdown's close of the workers: no fresh worker may start behind it. */
  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async check(watchdog: WorkerWatchdog): Promise<void> {
    if (this.checking) return; // a check waiting on Redis is not doubled by the next one
    this.checking = true;
    try {
      for (const [worker, verdict] of await watchdog.check(Date.now())) {
        if (verdict.kind !== 'recovered') continue;
        this.metrics.workerRecovered(worker.queue);
        this.logger.warn(
          `worker ${worker.queue}: jobs ready but none picked up for ${worker.stallAfterMs} ms; ` +
            `replaced it with a fresh worker (${verdict.found})`,
        );
      }
    } catch (err) {
      this.logger.warn(`worker watchdog: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }
}
