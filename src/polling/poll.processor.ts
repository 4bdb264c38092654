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
 * Runs the poll queue's ticks: each polls the approvals that are due (PollTickService). A tick
 * that outlasts POLL_TICK_MS overlaps the next one (the worker runs a few at once); claims are
 * atomic, so overlapping ticks never poll the same approval. Provided by WorkerModule only.
 */
@Processor(POLL_QUEUE, { autorun: false, concurrency: TICK_CONCURRENCY })
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
