import { Processor, WorkerHost } from '@nestjs/bullmq';
import { PollTickService } from './poll-tick.service';
import { POLL_QUEUE } from './poll.job';

/**
 * Runs the poll queue's ticks: each polls the approvals that are due (PollTickService). A tick
 * that outlasts POLL_TICK_MS overlaps the next one (the worker runs a few at once); claims are
 * atomic, so overlapping ticks never poll the same approval. The worker is started by
 * PollingModule in the roles that run workers (a decorator cannot read config, hence autorun: false).
 */
@Processor(POLL_QUEUE, { autorun: false })
export class PollProcessor extends WorkerHost {
  constructor(private readonly ticks: PollTickService) {
    super();
  }

  async process(): Promise<number> {
    // A closing worker lets its running tick finish the polls it claimed, and claim no more.
    return this.ticks.handleTick(() => this.worker.closing !== undefined);
  }
}
