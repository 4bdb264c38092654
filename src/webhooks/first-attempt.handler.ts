import { Injectable, Logger } from '@nestjs/common';
import { ApprovalRecord } from '../approvals/approval';
import { ApprovalEvent } from '../approvals/approval-event';
import { ApprovalEventMap } from '../approvals/approval-events.emitter';
import { OnApprovalEvent } from '../approvals/on-approval-event.decorator';
import { ReleaseSlot } from './client-slots';
import { DeliveryHandler } from './delivery.handler';
import { DeliveryJobData } from './delivery.job';
import { DeliveryProducer } from './delivery.producer';

/**
 * Hands each terminal event to webhook delivery, and makes its first attempt from the process that
 * decided, the moment the decision is announced: a worker's pickup of a queued job is a trip through
 * Redis and a poll of the queue, which made webhooks trail SSE. The delivery and its job are written
 * first, as before, so the at-least-once promise rests on them alone: the job waits one lease
 * (`DeliveryHandler.leaseMs`), or less: it is run at once after an attempt that ended the delivery
 * (finding nothing to do) and brought forward to the retry after one that failed. After a crash it
 * makes the attempt itself once its wait is over. The first attempt claims the delivery's lease as a
 * job does, and takes a free slot of the client's or leaves the attempt to the job, queued at once.
 */
@Injectable()
export class FirstAttemptHandler {
  private readonly logger = new Logger(FirstAttemptHandler.name);

  constructor(
    private readonly producer: DeliveryProducer,
    private readonly handler: DeliveryHandler,
  ) {}

  @OnApprovalEvent('approval.decided')
  async onApprovalDecided({ record, event }: ApprovalEventMap['approval.decided']): Promise<void> {
    const slot = this.handler.trySlot(record.clientId);
    let job: DeliveryJobData | undefined;
    try {
      job = await this.producer.scheduleFor(record, event, slot ? this.handler.leaseMs : 0);
    } finally {
      if (!job) slot?.();
    }
    // Not awaited: the announcement, and the request or poll that decided, never wait for a receiver.
    if (job && slot) void this.attempt(job, record, event, slot);
  }

  private async attempt(job: DeliveryJobData, record: ApprovalRecord, event: ApprovalEvent, slot: ReleaseSlot): Promise<void> {
    try {
      const result = await this.handler.attemptFirst(job, record, event, slot);
      if (result?.kind === 'again') await this.producer.retryAt(result.data, result.atMs);
      else if (result?.kind === 'done') await this.producer.releaseBackstop(job);
    } catch (err) {
      // The job attempts it once its wait is over.
      this.logger.warn(
        { approvalId: record.id, eventId: event.id },
        `First attempt of delivery ${event.id} failed: ${(err as Error).message}`,
      );
    }
  }
}
