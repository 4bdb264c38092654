import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ApprovalsService } from './approvals.service';
import { RECONCILE_EVERY_MS, runPeriodically } from '../common/run-periodically';

/** A decision not handed to delivery within this long was most likely cut off by a crash. */
export const OUTCOME_OVERDUE_MS = 60_000;
const PAGE = 500;

/**
 * Makes sure every terminal event reaches webhook delivery. The transition that decides an approval
 * also records the event as owed, in the same Lua script; `finish` clears that once the delivery is
 * scheduled. A process killed in between leaves the entry behind, and this pass (at start and every
 * minute) schedules the delivery instead: the event id keys it, so a late repair never sends twice.
 */
@Injectable()
export class OutcomeReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutcomeReconciler.name);
  private stop?: () => void;

  constructor(private readonly approvals: ApprovalsService) {}

  onApplicationBootstrap(): void {
    this.stop = runPeriodically(() => this.reconcile(), RECONCILE_EVERY_MS);
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** Returns how many decided approvals had their terminal event handed to delivery by this pass. */
  async reconcile(overdueMs = OUTCOME_OVERDUE_MS): Promise<number> {
    let repaired = 0;
    try {
      for (;;) {
        const handled = await this.approvals.notifyOverdue(Date.now() - overdueMs, PAGE);
        repaired += handled;
        if (handled < PAGE) break;
      }
      if (repaired) this.logger.warn(`Handed ${repaired} terminal events to delivery after an interrupted transition`);
    } catch (err) {
      this.logger.warn(`Reconciling outcomes failed, will retry: ${(err as Error).message}`);
    }
    return repaired;
  }
}
