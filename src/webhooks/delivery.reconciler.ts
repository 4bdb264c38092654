import { Injectable, Logger } from '@nestjs/common';
import { DeliveryQueues } from './delivery-queues';
import { deliveryJobId } from './delivery.job';
import { DeliveryProducer } from './delivery.producer';
import { DeliveryRef, DeliveryStore } from './delivery.store';

const PAGE = 500;
/**
 * How late a pending delivery must be before its job is looked at. A live job runs at its due time
 * (or soon after, behind a backlog); one a minute late has most likely been lost. Only overdue ones
 * are checked, so a run costs nothing while deliveries keep pace, even with many waiting retries.
 */
export const OVERDUE_MS = 60_000;

/**
 * Makes sure every pending delivery has its job. A delivery job can disappear while its delivery
 * is still pending: a crash between recording the delivery and queueing it, or a run failing on
 * Redis errors until BullMQ gives the job up (failed jobs are removed). Nothing else would queue
 * it again. The job id is the event id, so re-queueing a live job is a no-op; a failed or
 * completed job keeps its id, so it is removed first (BullMQ ignores an add under an existing id).
 * Re-queued deliveries start a fresh retry horizon, like a redelivery. Run once a minute per cluster
 * by the maintenance queue (worker/maintenance.processor.ts).
 */
@Injectable()
export class DeliveryReconciler {
  private readonly logger = new Logger(DeliveryReconciler.name);

  constructor(
    private readonly queues: DeliveryQueues,
    private readonly store: DeliveryStore,
    private readonly producer: DeliveryProducer,
  ) {}

  /** One pass over every shard's overdue pending deliveries, page by page; returns how many were queued again. */
  async reconcile(overdueMs = OVERDUE_MS): Promise<number> {
    let requeued = 0;
    let failures = 0;
    try {
      const beforeMs = Date.now() - overdueMs;
      for (const shard of this.store.shards) {
        for (let offset = 0; ;) {
          const page = await this.store.overdue(shard, beforeMs, offset, PAGE);
          const outcomes = await Promise.all(page.map((ref) => this.repair(ref).catch(() => 'error' as const)));
          requeued += outcomes.filter((o) => o === 'requeued').length;
          failures += outcomes.filter((o) => o === 'error').length;
          if (page.length < PAGE) break;
          // Forgotten entries left the index, so the next page starts that much earlier. An entry that
          // a job ends meanwhile can shift the page too: anything skipped is seen on the next run.
          offset += PAGE - outcomes.filter((o) => o === 'forgotten').length;
        }
      }
      if (requeued) this.logger.warn(`Queued ${requeued} pending webhook deliveries whose job was lost`);
      if (failures) this.logger.warn(`Could not check ${failures} pending webhook deliveries, will retry`);
    } catch (err) {
      this.logger.warn(`Reconciling delivery jobs failed, will retry: ${(err as Error).message}`);
    }
    return requeued;
  }

  private async repair(ref: DeliveryRef): Promise<'alive' | 'forgotten' | 'requeued'> {
    const jobId = deliveryJobId(ref.eventId);
    // The job first, then the state: a job that ends in between has already saved its end. The job
    // hash and two ZSCOREs, not getJobState, whose scans of the wait lists grow with a backlog.
    const job = await this.queues.of(ref.approvalId).getJob(jobId);
    const ended = job ? (await job.isFailed()) || (await job.isCompleted()) : true;
    if (!ended) return 'alive';
    const delivery = await this.store.get(ref.approvalId, ref.eventId);
    if (delivery?.state !== 'pending') {
      await this.store.forget(ref);
      return 'forgotten';
    }
    if (job) await job.remove();
    await this.producer.enqueue(ref.approvalId, ref.eventId);
    return 'requeued';
  }
}
