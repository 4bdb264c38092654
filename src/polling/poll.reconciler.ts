import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ApprovalsService } from '../approvals/approvals.service';
import { AppConfig } from '../config/app.config';
import { TELEMETRY_WINDOW_MS } from './outcome-rules';
import { POLL_QUEUE, POLL_TICK_JOB, POLL_TICK_SCHEDULER } from './poll.job';
import { PollsStore } from './polls.store';

const PAGE = 1000;
/** A scheduler whose next tick is this late has lost it (Redis data loss): it is set up again. */
const STALE_SCHEDULER_MS = 60_000;

/**
 * Makes sure polling runs: the tick scheduler exists, and every pending approval is in the due set.
 * An approval enters the due set with its record (one script), so this repairs only what a loss of
 * Redis data can break; it is a no-op for approvals already followed. Run when a worker starts and
 * once a minute per cluster by the maintenance queue.
 */
@Injectable()
export class PollReconciler {
  private readonly logger = new Logger(PollReconciler.name);

  constructor(
    @InjectQueue(POLL_QUEUE) private readonly queue: Queue,
    private readonly approvals: ApprovalsService,
    private readonly polls: PollsStore,
    private readonly config: AppConfig,
  ) {}

  /** Returns the number of pending approvals that had no next poll and now have one. */
  async reconcile(): Promise<number> {
    let followed = 0;
    try {
      if (await this.ensureTicking()) this.logger.log('Poll tick scheduler set up');
      const expired = await this.expireLongPastDeadline();
      if (expired) this.logger.warn(`Expired ${expired} pending approvals long past their deadline without polling them`);
      for (const shard of this.approvals.shards) {
        for (let offset = 0; ; offset += PAGE) {
          const ids = await this.approvals.pendingIds(shard, offset, PAGE);
          // Polled at once: these approvals have been waiting for a poll for an unknown time.
          if (ids.length) followed += await this.polls.follow(shard, ids, Date.now());
          if (ids.length < PAGE) break;
        }
      }
      if (followed) this.logger.warn(`Followed ${followed} pending approvals that had no next poll`);
    } catch (err) {
      this.logger.warn(`Reconciling polls failed, will retry: ${(err as Error).message}`);
    }
    return followed;
  }

  /**
   * Pending approvals past their deadline by more than telemetry reaches back (after a crash or a
   * restore) can only end expired (outcome-rules.ts, expiresWithoutPolling): expire them without asking Recognize.
   */
  private async expireLongPastDeadline(): Promise<number> {
    let expired = 0;
    for (const shard of this.approvals.shards) {
      for (;;) {
        const ids = await this.approvals.pendingIdsExpiringBefore(shard, Date.now() - TELEMETRY_WINDOW_MS, PAGE);
        const before = expired;
        for (const id of ids) if ((await this.approvals.finish(id, 'expired'))?.status === 'expired') expired += 1;
        // A page that expired nothing (all ended some other way meanwhile, or are gone) would come back as is.
        if (ids.length < PAGE || expired === before) break;
      }
    }
    return expired;
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
