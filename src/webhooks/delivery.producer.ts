import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { ApprovalRecord } from '../approvals/approval';
import { ApprovalEvent } from '../approvals/approval-event';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { randomUUID } from 'node:crypto';
import { DeliveryQueues } from './delivery-queues';
import { DeliveryJobData, KEEP_FINISHED_JOBS, TEST_EVENT_JOB, WebhookTestEvent, deliveryJobId } from './delivery.job';
import { DeliveryStore } from './delivery.store';

/** Schedules webhook deliveries of terminal events. Idempotent: keyed by the event id. */
@Injectable()
export class DeliveryProducer {
  constructor(
    private readonly queues: DeliveryQueues,
    private readonly store: DeliveryStore,
    private readonly clients: ClientsRegistry,
    private readonly config: AppConfig,
  ) {}

  /**
   * Sends the event to the approval's callbackUrl, else to its client's webhookUrl (none: no
   * webhook). Only those two are ever called: a callbackUrl was checked against the client's
   * callbackOrigins when the approval was created, and webhookUrl comes from our own config. A URL
   * taken from a request as-is would let any caller make this service POST signed requests to
   * hosts inside our network (SSRF).
   * Called again whenever a decision is announced again: a delivery already recorded is only
   * re-queued while pending (the job id dedupes it), never once delivered or dead.
   * With `backstopMs`, a job added for a delivery recorded just now waits that long: the caller makes
   * the first attempt itself, and the job is there for the retries and for a crash. Returns that job's
   * data, or undefined when no new delivery was recorded.
   */
  async scheduleFor(record: ApprovalRecord, event: ApprovalEvent, backstopMs = 0): Promise<DeliveryJobData | undefined> {
    const url = record.callbackUrl ?? this.clients.findById(record.clientId)?.webhookUrl;
    if (!url) return undefined;
    const opened = await this.store.open(record.clientId, record.id, {
      eventId: event.id,
      url,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: new Date().toISOString(),
    });
    if (!opened || opened.delivery.state !== 'pending') return undefined;
    // A delivery recorded just now has never had a job: nothing to look up before adding it.
    if (opened.created) return this.add(record.id, event.id, backstopMs);
    await this.enqueue(record.id, event.id);
    return undefined;
  }

  /**
   * Brings a job held back as the backstop forward to the next attempt of its round, after a first
   * attempt that failed. A job no longer waiting (it runs, or ended) is left alone: it reads the delivery.
   */
  async retryAt(data: DeliveryJobData, atMs: number): Promise<void> {
    const job = (await this.queues.of(data.approvalId).getJob(deliveryJobId(data.eventId))) as Job<DeliveryJobData> | undefined;
    if (!job || !(await job.isDelayed())) return;
    await job.updateData(data);
    await job.changeDelay(Math.max(0, atMs - Date.now()));
  }

  /** Runs a job held back as the backstop now, after a first attempt that ended its delivery: it finds nothing to do and ends so. */
  async releaseBackstop(data: DeliveryJobData): Promise<void> {
    // One round trip, without reading the job first: BullMQ's promote refuses a job that no longer waits,
    // which is then running or done and reads the delivery itself.
    await new Job(this.queues.of(data.approvalId), 'deliver', data, {}, deliveryJobId(data.eventId)).promote().catch(() => undefined);
  }

  /**
   * Starts a round of attempts now, with a fresh retry horizon. Finished jobs are kept for the
   * dashboard under the event's job id, and BullMQ ignores an add under an existing id: a finished
   * one is removed first. One still finishing (its delivery was saved, the job not yet marked
   * done) is waited for briefly; past that the delivery reconciler queues it within minutes.
   */
  async enqueue(approvalId: string, eventId: string): Promise<void> {
    const jobId = deliveryJobId(eventId);
    const queue = this.queues.of(approvalId);
    for (let tries = 0; tries < 40; tries++) {
      const job = await queue.getJob(jobId);
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

  private async add(approvalId: string, eventId: string, delayMs = 0): Promise<DeliveryJobData> {
    const data = { approvalId, eventId, attempt: 0, deadlineMs: this.deadline() };
    await this.queues
      .of(approvalId)
      .add('deliver', data, { jobId: deliveryJobId(eventId), ...JOB_OPTIONS, ...(delayMs > 0 && { delay: delayMs }) });
    return data;
  }

  /** Queues a signed `webhook.test` event to the client's webhookUrl, retried like any delivery; returns its id. */
  async enqueueTest(clientId: string): Promise<string> {
    const event: WebhookTestEvent = {
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      type: 'webhook.test',
      createdAt: new Date().toISOString(),
      data: { clientId, message: 'A test event: your endpoint receives and verifies webhooks' },
    };
    await this.queues
      .of(clientId)
      .add(TEST_EVENT_JOB, { clientId, event, attempt: 0, deadlineMs: this.deadline() }, { jobId: `test-${event.id}`, ...JOB_OPTIONS });
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
