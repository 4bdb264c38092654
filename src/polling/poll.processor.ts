import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { PollTickService } from './poll-tick.service';
import { POLL_QUEUE } from './poll.job';

/**
 * Ticks one worker runs at once. Ticks overlap only when one outlasts the tick period (a backlog,
 * a slow upstream); the polls themselves are bounded by POLL_CONCURRENCY across all ticks. A process
 * whose tick slots are all taken fetches no more ticks, which leaves them to the other workers.
 */
const TICK_CONCURRENCY = 4;

/**
 * Shorter than BullMQ's waits (5 s block, 15 s after a failed fetch), because every poll waits on this
 * worker: after a Redis failover it fetches again within 2 s, and the worker watchdog, which waits
 * out these two before judging a worker stuck, replaces a stalled one after 7 s instead of 20. A tick
 * comes every POLL_TICK_MS, so the shorter block costs no extra round trips, and a Redis that stays
 * down costs one failed fetch (and one warning) every 2 s.
 */
const POLL_WORKER_WAITS = { drainDelay: 1, runRetryDelay: 2000 };

/**
 * Runs the poll queue's ticks: each polls the approvals that are due (PollTickService). A tick
 * that outlasts POLL_TICK_MS overlaps the next one (the worker runs a few at once); claims are
 * atomic, so overlapping ticks never poll the same approval. Provided by WorkerModule only.
 */
@Processor(POLL_QUEUE, { autorun: false, concurrency: TICK_CONCURRENCY, ...POLL_WORKER_WAITS })
export class PollProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(private readonly ticks: PollTickService) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.run().catch((err: Error) => this.worker.emit('error', err));
  }

  async process(): Promise<number> {
    // A closing worker lets its running tick finish the polls it claimed, and claim no more.
    return this.ticks.handleTick(() => this.worker.closing !== undefined);
  }
}
