import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ApprovalRecord } from '../approvals/approval';
import { ApprovalEvent } from '../approvals/approval-event';
import { ApprovalEventMap } from '../approvals/approval-events.emitter';
import { OnApprovalEvent } from '../approvals/on-approval-event.decorator';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { randomUUID } from 'node:crypto';
import {
  DELIVERY_QUEUE,
  DeliveryJobData,
  KEEP_FINISHED_JOBS,
  TEST_EVENT_JOB,
  TestEventJobData,
  WebhookTestEvent,
  deliveryJobId,
} from './delivery.job';
import { DeliveryStore } from './delivery.store';

/** Schedules webhook deliveries of terminal events. Idempotent: keyed by the event id. */
@Injectable()
export class DeliveryProducer {
  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJobData | TestEventJobData>,
    private readonly store: DeliveryStore,
    private readonly clients: ClientsRegistry,
    private readonly config: AppConfig,
  ) {}

  @OnApprovalEvent('approval.decided')
  onApprovalDecided({ record, event }: ApprovalEventMap['approval.decided']): Promise<void> {
    return this.scheduleFor(record, event);
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
    const opened = await this.store.open(record.clientId, record.id, {
      eventId: event.id,
      url,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: new Date().toISOString(),
    });
    if (!opened || opened.delivery.state !== 'pending') return;
    // A delivery recorded just now has never had a job: nothing to look up before adding it.
    if (opened.created) await this.add(record.id, event.id);
    else await this.enqueue(record.id, event.id);
  }

  /**
   * Starts a round of attempts now, with a fresh retry horizon. Finished jobs are kept for the
   * dashboard under the event's job id, and BullMQ ignores an add under an existing id: a finished
   * one is removed first. One still finishing (its delivery was saved, the job not yet marked
   * done) is waited for briefly; past that the delivery reconciler queues it within minutes.
   */
  async enqueue(approvalId: string, eventId: string): Promise<void> {
    const jobId = deliveryJobId(eventId);
    for (let tries = 0; tries < 40; tries++) {
      const job = await this.queue.getJob(jobId);
      if (!job) break;
      if ((await job.isCompleted()) || (await job.isFailed())) {
        await job.remove();
        break;
      }
      if (!(await job.isActive())) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.add(approvalId, eventId);
  }

  private async add(approvalId: string, eventId: string): Promise<void> {
    const data = { approvalId, eventId, attempt: 0, deadlineMs: this.deadline() };
    await this.queue.add('deliver', data, { jobId: deliveryJobId(eventId), ...JOB_OPTIONS });
  }

  /** Queues a signed `webhook.test` event to the client's webhookUrl, retried like any delivery; returns its id. */
  async enqueueTest(clientId: string): Promise<string> {
    const event: WebhookTestEvent = {
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      type: 'webhook.test',
      createdAt: new Date().toISOString(),
      data: { clientId, message: 'A test event: your endpoint receives and verifies webhooks' },
    };
    await this.queue.add(
      TEST_EVENT_JOB,
      { clientId, event, attempt: 0, deadlineMs: this.deadline() },
      { jobId: `test-${event.id}`, ...JOB_OPTIONS },
    );
    return event.id;
  }

  private deadline(): number {
    return Date.now() + this.config.webhooks.retryHorizonS * 1000;
  }
}

const JOB_OPTIONS = {
  // The last finished jobs stay for the queue dashboard; the delivery state in Redis says what is done.
  removeOnComplete: { count: KEEP_FINISHED_JOBS },
  removeOnFail: { count: KEEP_FINISHED_JOBS },
  // Only for unexpected errors (Redis down mid-run); receiver failures are retried by the handler.
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 1000 },
};
