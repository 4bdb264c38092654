import { Injectable, Logger } from '@nestjs/common';
import { ApprovalRecord } from '../approvals/approval';
import { ApprovalEvent } from '../approvals/approval-event';
import { ApprovalsService } from '../approvals/approvals.service';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { Delivery } from '../approvals/delivery';
import { nextAttemptAt } from './delivery-schedule';
import { DeliveryJobData } from './delivery.job';
import { DeliveryStore } from './delivery.store';
import { AttemptReport, WebhookClient } from './webhook.client';
import { ClientSlots, ReleaseSlot } from './client-slots';

/**
 * What one run of a delivery job did: nothing left to do, an end (delivered or dead), or a failed
 * attempt to repeat at `atMs`, or not its turn yet (`busy`: its client's slots are taken, another
 * sender holds its lease, or its next attempt is ahead). `attempt` is the place to observe every attempt (metrics).
 */
export type DeliveryResult =
  | { kind: 'done'; state: 'delivered' | 'dead' | 'skipped'; attempt?: AttemptReport }
  | { kind: 'again'; atMs: number; data: DeliveryJobData; attempt: AttemptReport }
  | { kind: 'busy'; atMs: number };

/** A delivery whose client has every one of its slots busy waits up to this long for one... */
const SLOT_WAIT_MS = 1000;
/** ...and, still busy, steps aside and comes back after about this long. */
const BUSY_DELAY_MS = 250;
/** A lease outlasts the longest attempt (WEBHOOK_TIMEOUT_MS bounds the request) by the reads and writes around it. */
const LEASE_MARGIN_MS = 5000;
/** A job that finds its delivery's next attempt further ahead than this waits for it (the first attempt failed in the deciding process). */
const EARLY_TOLERANCE_MS = 100;

/** One attempt at one delivery. Idempotent: state is reloaded by id, a finished delivery is left alone. */
@Injectable()
export class DeliveryHandler {
  private readonly logger = new Logger(DeliveryHandler.name);
  /** Webhook requests open per client in this process, and the deliveries waiting for one. */
  private readonly slots: ClientSlots;

  constructor(
    private readonly approvals: ApprovalsService,
    private readonly deliveries: DeliveryStore,
    private readonly clients: ClientsRegistry,
    private readonly webhooks: WebhookClient,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    const { concurrency, clientConcurrency } = config.webhooks;
    // Sending and waiting, one client's deliveries leave at least `clientConcurrency` of the worker's
    // slots to the other clients (none wait when a client's share is over half the worker).
    this.slots = new ClientSlots(clientConcurrency, Math.max(0, concurrency - 2 * clientConcurrency), SLOT_WAIT_MS);
  }

  /** How long one attempt may hold its delivery's lease: a sender that died holding it is replaced after this. */
  get leaseMs(): number {
    return this.config.webhooks.timeoutMs + LEASE_MARGIN_MS;
  }

  /** A slot of the client's now, or undefined when all are taken (the job will wait its turn instead). */
  trySlot(clientId: string): ReleaseSlot | undefined {
    return this.slots.tryAcquire(clientId);
  }

  async handle(data: DeliveryJobData): Promise<DeliveryResult> {
    const { approvalId, eventId } = data;
    const lease = await this.deliveries.claim(eventId, this.leaseMs);
    // Another sender is attempting it (the deciding process, or a job run before a crash): come back after it.
    if (!('token' in lease)) return { kind: 'busy', atMs: Date.now() + lease.heldForMs + BUSY_DELAY_MS * (1 + Math.random()) };
    try {
      // Read only under the lease, so that what the previous holder saved is seen. One round trip: the
      // event is read alongside, although a finished delivery does not need it.
      const [record, delivery, events] = await Promise.all([
        this.approvals.get(approvalId),
        this.deliveries.get(approvalId, eventId),
        this.approvals.eventsAfter(approvalId),
      ]);
      if (!record || !delivery) return { kind: 'done', state: 'skipped' };
      // Finished: by the first attempt, when this job is its backstop (its round's first run ends as that
      // attempt did, for the dashboard and the jobs' listeners), else by an earlier run of this job.
      if (delivery.state !== 'pending') return { kind: 'done', state: data.attempt === 0 ? delivery.state : 'skipped' };
      const event = events.find((e) => e.event.id === eventId)?.event;
      if (!event) return { kind: 'done', state: 'skipped' };
      const dueMs = delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : NaN;
      if (dueMs > Date.now() + EARLY_TOLERANCE_MS) return { kind: 'busy', atMs: dueMs };
      return await this.attempt(data, record, delivery, event);
    } finally {
      await this.deliveries.releaseClaim(eventId, lease.token);
    }
  }

  /**
   * The first attempt, made by the process that decided the approval, as soon as its delivery and the
   * job (held back by `leaseMs` as the backstop) are recorded, holding `slot`. It claims the delivery
   * as a job does; undefined when it did not attempt (claimed elsewhere, or no longer pending).
   */
  async attemptFirst(
    data: DeliveryJobData,
    record: ApprovalRecord,
    event: ApprovalEvent,
    slot: ReleaseSlot,
  ): Promise<DeliveryResult | undefined> {
    const { approvalId, eventId } = data;
    try {
      const lease = await this.deliveries.claim(eventId, this.leaseMs);
      if (!('token' in lease)) return undefined;
      try {
        const delivery = await this.deliveries.get(approvalId, eventId);
        if (!delivery || delivery.state !== 'pending') return undefined;
        return await this.attempt(data, record, delivery, event, slot);
      } finally {
        await this.deliveries.releaseClaim(eventId, lease.token);
      }
    } finally {
      slot();
    }
  }

  private async attempt(
    data: DeliveryJobData,
    record: ApprovalRecord,
    delivery: Delivery,
    event: ApprovalEvent,
    held?: ReleaseSlot,
  ): Promise<DeliveryResult> {
    const { approvalId, eventId } = data;
    // The secret is read from config on every attempt and never stored with the delivery.
    const client = this.clients.findById(record.clientId);
    if (!client?.webhookSecret) {
      held?.();
      await this.deliveries.save(
        approvalId,
        { ...delivery, state: 'dead', lastError: 'the client has no webhookSecret', nextAttemptAt: undefined },
        record.clientId,
      );
      this.logger.warn({ approvalId, eventId }, `Delivery ${eventId} dropped: client ${record.clientId} has no webhookSecret`);
      return { kind: 'done', state: 'dead' };
    }

    // Fairness: a client whose receiver is slow (or hangs until the timeout) has at most
    // WEBHOOK_CLIENT_CONCURRENCY requests open; its other deliveries wait briefly, then step aside, unchanged.
    // Only the request holds a slot: the reads and writes around it are ours, not the receiver's.
    const release = held ?? (await this.slots.acquire(record.clientId));
    if (!release) return { kind: 'busy', atMs: Date.now() + BUSY_DELAY_MS * (1 + Math.random()) };
    let attempt: AttemptReport;
    try {
      attempt = await this.webhooks.sendFor(client, delivery.url, event);
    } finally {
      release();
    }
    const { outcome } = attempt;
    this.metrics.webhookAttempt(record.clientId, attemptResult(outcome));
    const tried: Delivery = {
      eventId,
      url: delivery.url,
      state: 'pending',
      attempts: delivery.attempts + 1,
      ...(outcome.statusCode !== undefined && { lastStatusCode: outcome.statusCode }),
      lastAttemptAt: attempt.at.toISOString(),
    };

    if (outcome.kind === 'delivered') {
      await this.deliveries.save(approvalId, { ...tried, state: 'delivered', deliveredAt: new Date().toISOString() }, record.clientId);
      this.metrics.notified('webhook', record.decidedAt);
      return { kind: 'done', state: 'delivered', attempt };
    }
    const lastError = outcome.kind === 'gone' ? 'answered 410: the receiver no longer accepts it' : outcome.error;
    const round = data.attempt + 1;
    const atMs =
      outcome.kind === 'gone' || outcome.kind === 'refused'
        ? undefined
        : nextAttemptAt({
            nowMs: Date.now(),
            attempt: round,
            baseMs: this.config.webhooks.retryBaseMs,
            deadlineMs: data.deadlineMs,
            retryAfterMs: outcome.retryAfterMs,
          });
    if (atMs === undefined) {
      await this.deliveries.save(approvalId, { ...tried, state: 'dead', lastError }, record.clientId);
      this.metrics.webhookDeadLetter(record.clientId);
      this.logger.warn(
        { approvalId, eventId, attempts: tried.attempts },
        `Delivery ${eventId} is dead after ${tried.attempts} attempts: ${lastError}`,
      );
      return { kind: 'done', state: 'dead', attempt };
    }
    await this.deliveries.save(approvalId, { ...tried, lastError, nextAttemptAt: new Date(atMs).toISOString() }, record.clientId);
    return { kind: 'again', atMs, data: { ...data, attempt: round }, attempt };
  }
}

/** A bounded label for one attempt's result: success, gone, http_4xx / http_5xx, or no_answer (timeout, refused). */
function attemptResult(outcome: AttemptReport['outcome']): string {
  if (outcome.kind === 'delivered') return 'success';
  if (outcome.kind === 'gone') return 'gone';
  if (outcome.kind === 'refused') return 'refused';
  return outcome.statusCode !== undefined ? `http_${Math.floor(outcome.statusCode / 100)}xx` : 'no_answer';
}
