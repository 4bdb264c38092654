import { Injectable, Logger } from '@nestjs/common';
import { ApprovalResponse } from '../approvals/approval';
import { ApprovalsService } from '../approvals/approvals.service';
import { ClientConfig } from '../clients/client.config';
import { NothingToRedeliverError } from './delivery.errors';
import { DeliveryProducer } from './delivery.producer';
import { DeliveryStore } from './delivery.store';

@Injectable()
export class DeliveriesService {
  private readonly logger = new Logger(DeliveriesService.name);

  constructor(private readonly approvals: ApprovalsService, private readonly store: DeliveryStore, private readonly producer: DeliveryProducer) {}

  /**
   * Sends dead deliveries again, with the same webhook-id, in a new round of retries. Pending and
   * delivered ones are left alone (a pending one is already being tried): nothing dead is a 409.
   */
  async redeliver(client: ClientConfig, id: string): Promise<ApprovalResponse> {
    await this.approvals.find(client, id);
    const revived = await this.store.reviveDead(id, new Date());
    if (!revived.length) throw new NothingToRedeliverError(id);
    for (const eventId of revived) await this.producer.enqueue(id, eventId);
    this.logger.log({ approvalId: id, eventIds: revived }, `Redelivering ${revived.length} webhook(s) of approval ${id}`);
    return this.approvals.find(client, id);
  }
}
