import { Injectable, Logger } from '@nestjs/common';
import { ApprovalsService } from '../approvals/approvals.service';

/** A decision not handed to delivery within this long was most likely cut off by a crash. */
export const DECISION_OVERDUE_MS = 60_000;
const PAGE = 500;

/**
 * The sweep of the decision outbox: makes sure every terminal event reaches webhook delivery. The
 * transition that decides an approval also records the event as owed, in the same Lua script; the
 * entry is cleared once the decision has been announced and the delivery scheduled. A process
 * killed in between leaves the entry behind, and this pass (once a minute per cluster, from the
 * maintenance queue) announces the decision again: the event id keys the delivery, so a late
 * repair never sends twice.
 */
@Injectable()
export class DecisionOutboxReconciler {
  private readonly logger = new Logger(DecisionOutboxReconciler.name);

  constructor(private readonly approvals: ApprovalsService) {}

  /** Returns how many decided approvals had their terminal event handed to delivery by this pass. */
  async reconcile(overdueMs = DECISION_OVERDUE_MS): Promise<number> {
    let repaired = 0;
    try {
      for (const shard of this.approvals.shards) {
        for (;;) {
          const ids = await this.approvals.notHandedToDeliveryBefore(shard, Date.now() - overdueMs, PAGE);
          for (const id of ids) await this.approvals.announceDecisionAgain(id);
          repaired += ids.length;
          if (ids.length < PAGE) break;
        }
      }
      if (repaired) this.logger.warn(`Handed ${repaired} terminal events to delivery after an interrupted transition`);
    } catch (err) {
      this.logger.warn(`Sweeping the decision outbox failed, will retry: ${(err as Error).message}`);
    }
    return repaired;
  }
}
