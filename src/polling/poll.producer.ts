import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app.config';
import { POLL_QUEUE, POLL_TICK_JOB, POLL_TICK_SCHEDULER } from './poll.job';
import { PollsStore } from './polls.store';

/** A scheduler whose next tick is this late has lost it (Redis data loss): it is set up again. */
const STALE_SCHEDULER_MS = 60_000;

@Injectable()
export class PollProducer {
  constructor(@InjectQueue(POLL_QUEUE) private readonly queue: Queue, private readonly polls: PollsStore, private readonly config: AppConfig) {}

  /**
   * Follows pending approvals that are not followed yet (ZADD NX): a no-op for the others, so a
   * retried call or the reconciler never creates a second poll of one operation.
   */
  async follow(approvalIds: string[], atMs = Date.now() + this.config.polling.intervalMs): Promise<number> {
    return this.polls.follow(approvalIds, atMs);
  }

  /** Stops polling now; a poll in flight ends on its own, its write-back finds the approval gone. */
  async stop(approvalId: string): Promise<void> {
    await this.polls.stop(approvalId);
  }

  /** Makes sure the tick scheduler exists with this instance's period; true when it was (re)created. */
  async ensureTicking(): Promise<boolean> {
    const everyMs = this.config.polling.tickMs;
    const scheduler = await this.queue.getJobScheduler(POLL_TICK_SCHEDULER);
    const healthy = scheduler && Number(scheduler.every) === everyMs && Number(scheduler.next ?? 0) > Date.now() - STALE_SCHEDULER_MS;
    if (healthy) return false;
    await this.queue.upsertJobScheduler(
      POLL_TICK_SCHEDULER,
      { every: everyMs },
      { name: POLL_TICK_JOB, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
    return true;
  }
}
