import { Injectable, Logger } from '@nestjs/common';
import { ApprovalResponse } from '../approvals/approval';
import { ApprovalsService } from '../approvals/approvals.service';
import { InvalidRequestError } from '../common/app.errors';
import { ClientConfig } from '../clients/client.config';
import { MetricsService } from '../metrics/metrics.service';
import { EventNotFoundError, NoWebhookUrlError, NothingToRedeliverError } from './delivery.errors';
import { DeliveryIndex, DeliveryPage, IndexedState, isValidCursor } from './delivery.index';
import { DeliveryProducer } from './delivery.producer';
import { DeliveryStore } from './delivery.store';

@Injectable()
export class DeliveriesService {
  private readonly logger = new Logger(DeliveriesService.name);

  constructor(
    private readonly approvals: ApprovalsService,
    private readonly store: DeliveryStore,
    private readonly index: DeliveryIndex,
    private readonly producer: DeliveryProducer,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Sends dead deliveries again, with the same webhook-id, in a new round of retries. Pending and
   * delivered ones are left alone (a pending one is already being tried): nothing dead is a 409.
   */
  async redeliver(client: ClientConfig, id: string): Promise<ApprovalResponse> {
    await this.approvals.find(client, id);
    const revived = await this.store.reviveDead(client.id, id, new Date());
    if (!revived.length) throw new NothingToRedeliverError(id);
    for (const eventId of revived) await this.producer.enqueue(id, eventId);
    this.metrics.deliveryAction(client.id, 'redeliver', revived.length);
    this.logger.log({ approvalId: id, eventIds: revived }, `Redelivering ${revived.length} webhook(s) of approval ${id}`);
    return this.approvals.find(client, id);
  }

  /** The client's deliveries in one state since `sinceMs`, oldest first. */
  list(client: ClientConfig, state: IndexedState, sinceMs: number, limit: number, cursor?: string): Promise<DeliveryPage> {
    if (cursor !== undefined && !isValidCursor(cursor))
      throw new InvalidRequestError('cursor is not one this API returned', [
        { field: 'cursor', message: 'cursor is not one this API returned' },
      ]);
    return this.index.page(client.id, state, sinceMs, limit, cursor);
  }

  /** Every dead delivery of the client that died at or after `sinceMs` starts a new round (same webhook-id); returns how many. */
  async recover(client: ClientConfig, sinceMs: number): Promise<number> {
    let requeued = 0;
    for (const ref of await this.index.refs(client.id, 'dead', sinceMs)) {
      // Atomic per delivery: a concurrent recover or redeliver reopens each one once.
      if ((await this.store.reopen(client.id, ref.approvalId, ref.eventId, { onlyDead: true })) !== 'reopened') continue;
      await this.producer.enqueue(ref.approvalId, ref.eventId);
      requeued++;
    }
    this.metrics.deliveryAction(client.id, 'recover', requeued);
    if (requeued) this.logger.log({ clientId: client.id }, `Recovering ${requeued} dead webhook(s) of client ${client.id}`);
    return requeued;
  }

  /**
   * Sends one event of the approval again, whatever became of its delivery, with the same
   * webhook-id. An event never sent (a non-terminal one) goes where the terminal one would: the
   * approval's callbackUrl, else the client's webhookUrl.
   */
  async resend(client: ClientConfig, id: string, eventId: string): Promise<void> {
    const record = await this.approvals.assertOwned(client.id, id);
    const known = (await this.approvals.eventsAfter(id)).some((e) => e.event.id === eventId);
    if (!known) throw new EventNotFoundError(id, eventId);
    const url = record.callbackUrl ?? client.webhookUrl;
    const create = url ? { eventId, url, state: 'pending' as const, attempts: 0 } : undefined;
    const result = await this.store.reopen(client.id, id, eventId, { onlyDead: false, create });
    if (result === 'missing')
      throw new NoWebhookUrlError(
        `Approval ${JSON.stringify(id)} has no callbackUrl and client ${client.id} no webhookUrl: nowhere to send`,
      );
    if (result === 'gone') throw new EventNotFoundError(id, eventId);
    // 'pending': a round is under way; queueing again is a no-op under the same job id.
    await this.producer.enqueue(id, eventId);
    this.metrics.deliveryAction(client.id, 'resend');
    this.logger.log({ approvalId: id, eventId }, `Resending webhook ${eventId} of approval ${id}`);
  }

  /** Queues a signed `webhook.test` event to the client's webhookUrl; returns its id (the webhook-id). */
  async sendTest(client: ClientConfig): Promise<string> {
    if (!client.webhookUrl || !client.webhookSecret)
      throw new NoWebhookUrlError(`Client ${client.id} has no webhookUrl (and webhookSecret) configured: nowhere to send a test event`);
    const eventId = await this.producer.enqueueTest(client.id);
    this.metrics.deliveryAction(client.id, 'test');
    return eventId;
  }
}
