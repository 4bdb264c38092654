import { Injectable } from '@nestjs/common';
import { ApprovalRecord } from '../approvals/approval';
import { ApprovalEvent } from '../approvals/approval-event';

/** Schedules the webhook delivery of a terminal event. Idempotent: keyed by the event id. */
@Injectable()
export class DeliveryProducer {
  async scheduleFor(_record: ApprovalRecord, _event: ApprovalEvent): Promise<void> {
    // Delivery arrives with the webhooks capability.
  }
}
