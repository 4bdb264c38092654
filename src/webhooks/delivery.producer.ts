import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ApprovalRecord } from '../approvals/approval';
import { ApprovalEvent } from '../approvals/approval-event';
import { ApprovalEventsEmitter } from '../approvals/approval-events.emitter';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { DELIVERY_QUEUE, DeliveryJobData, deliveryJobId } from './delivery.job';
import { DeliveryStore } from './delivery.store';

/** Schedules webhook deliveries of terminal events. Idempotent: keyed by the event id. */
@Injectable()
export class DeliveryProducer implements OnModuleInit {
  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJobData>,
    private readonly store: DeliveryStore,
    private readonly clients: ClientsRegistry,
    private readonly announcements: ApprovalEventsEmitter,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.announcements.on('approval.decided', ({ record, event }) => this.scheduleFor(record, event));
  }

  /**
   * Sends the event to the approval's callbackUrl, else to its client's webhookUrl (none: no
   * webhook). Only those two are ever called: a callbackUrl was checked against the client's
   * callbackOrigins when the approval was created, and webhookUrl comes from our own config. A URL
   * taken from a request as-is would let any caller make this service POST signed requests to
   * hosts inside our network (SSRF).
   * Called again whenever a decision is announced again: a delivery already recorded is only
   * re-queued while pending (the job id dedupes it), never once delivered or dead.
   */
  async scheduleFor(record: ApprovalRecord, event: ApprovalEvent): Promise<void> {
    const url = record.callbackUrl ?? this.clients.findById(record.clientId)?.webhookUrl;
    if (!url) return;
    const delivery = await this.store.open(record.id, { eventId: event.id, url, state: 'pending', attempts: 0, nextAttemptAt: new Date().toISOString() });
    if (delivery?.state === 'pending') await this.enqueue(record.id, event.id);
  }

  /** Starts a round of attempts now, with a fresh retry horizon. */
  async enqueue(approvalId: string, eventId: string): Promise<void> {
    await this.queue.add(
      'deliver',
      { approvalId, eventId, attempt: 0, deadlineMs: Date.now() + this.config.webhooks.retryHorizonS * 1000 },
      {
        jobId: deliveryJobId(eventId),
        // Removed when finished, so a redelivery can reuse the id; the state in Redis says it is done.
        removeOnComplete: true,
        removeOnFail: true,
        // Only for unexpected errors (Redis down mid-run); receiver failures are retried by the handler.
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
      },
    );
  }
}
