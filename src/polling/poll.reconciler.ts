import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ApprovalsStore } from '../approvals/approvals.store';
import { PollProducer } from './poll.producer';
import { RECONCILE_EVERY_MS, runPeriodically } from '../common/run-periodically';

const PAGE = 1000;

/**
 * Makes sure polling runs: the tick scheduler exists, and every pending approval is in the due set.
 * An approval enters the due set with its record (one script), so this repairs only what a loss of
 * Redis data can break; it is a no-op for approvals already followed.
 */
@Injectable()
export class PollReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PollReconciler.name);
  private stop?: () => void;

  constructor(private readonly store: ApprovalsStore, private readonly polls: PollProducer) {}

  onApplicationBootstrap(): void {
    this.stop = runPeriodically(() => this.reconcile(), RECONCILE_EVERY_MS);
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** Returns the number of pending approvals that had no next poll and now have one. */
  async reconcile(): Promise<number> {
    let followed = 0;
    try {
      if (await this.polls.ensureTicking()) this.logger.log('Poll tick scheduler set up');
      for (let offset = 0; ; offset += PAGE) {
        const ids = await this.store.pendingIds(offset, PAGE);
        // Polled at once: these approvals have been waiting for a poll for an unknown time.
        if (ids.length) followed += await this.polls.follow(ids, Date.now());
        if (ids.length < PAGE) break;
      }
      if (followed) this.logger.warn(`Followed ${followed} pending approvals that had no next poll`);
    } catch (err) {
      this.logger.warn(`Reconciling polls failed, will retry: ${(err as Error).message}`);
    }
    return followed;
  }
}
