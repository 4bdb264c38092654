import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ApprovalsStore } from '../approvals/approvals.store';
import { PollProducer } from './poll.producer';

const RECONCILE_EVERY_MS = 60_000;
const PAGE = 1000;

/**
 * Makes sure every pending approval has its poll job. Scheduling is keyed by approval id, so this
 * is a no-op for approvals already followed; it repairs the one gap a crash can open (between
 * storing an approval and scheduling its first poll) and jobs lost with Redis data.
 */
@Injectable()
export class PollReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PollReconciler.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: ApprovalsStore, private readonly polls: PollProducer) {}

  onApplicationBootstrap(): void {
    void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async reconcile(): Promise<number> {
    let followed = 0;
    try {
      for (let offset = 0; ; offset += PAGE) {
        const ids = await this.store.pendingIds(offset, PAGE);
        if (ids.length) await this.polls.follow(ids);
        followed += ids.length;
        if (ids.length < PAGE) break;
      }
      const retried = await this.polls.retryFailed(async (id) => (await this.store.get(id))?.status === 'pending');
      if (retried) this.logger.warn(`Retried ${retried} failed poll jobs of pending approvals`);
    } catch (err) {
      this.logger.warn(`Reconciling poll jobs failed, will retry: ${(err as Error).message}`);
    }
    return followed;
  }
}
