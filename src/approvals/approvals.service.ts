import { Injectable, Logger } from '@nestjs/common';
import { ApprovalAlreadyTerminalError, ApprovalNotFoundError, InvalidRequestError } from '../common/app.errors';
import { ClientConfig } from '../clients/client.config';
import { EventsTokenService } from '../events/events-token.service';
import { MetricsService } from '../metrics/metrics.service';
import { PollProducer } from '../polling/poll.producer';
import { Delivery } from '../webhooks/delivery';
import { DeliveryProducer } from '../webhooks/delivery.producer';
import { ApprovalRecord, ApprovalView, TerminalStatus, isTerminal, toView } from './approval';
import { eventFor } from './approval-event';
import { ApprovalCreationService } from './approval-creation.service';
import { ApprovalsStore } from './approvals.store';
import { CreateApprovalDto } from './dto/create-approval.dto';

/** An approval as the REST API returns it: the view plus the browser's way in (and, when read, its webhook deliveries). */
export type ApprovalResponse = ApprovalView & { eventsUrl: string; deliveries?: Delivery[] };

/** What a decided approval gains besides its status. */
export type DecisionDetails = Partial<Pick<ApprovalRecord, 'authType'>>;

/** The approval state machine: pending → exactly one of the terminal statuses, once. */
@Injectable()
export class ApprovalsService {
  private readonly logger = new Logger(ApprovalsService.name);

  constructor(
    private readonly store: ApprovalsStore,
    private readonly creation: ApprovalCreationService,
    private readonly polls: PollProducer,
    private readonly deliveries: DeliveryProducer,
    private readonly tokens: EventsTokenService,
    private readonly metrics: MetricsService,
  ) {}

  async create(client: ClientConfig, dto: CreateApprovalDto): Promise<{ approval: ApprovalResponse; created: boolean }> {
    if (dto.callbackUrl !== undefined && !client.callbackOrigins.includes(new URL(dto.callbackUrl).origin)) {
      throw new InvalidRequestError("callbackUrl's origin is not one of this client's callbackOrigins", [
        { field: 'callbackUrl', message: 'origin must be one of the callbackOrigins configured for this client' },
      ]);
    }
    // Webhooks are always signed: without a secret the receiver could not tell ours from a forgery.
    if (dto.callbackUrl !== undefined && !client.webhookSecret) {
      throw new InvalidRequestError('this client has no webhookSecret to sign callbacks with', [
        { field: 'callbackUrl', message: 'the client must have a webhookSecret configured to receive callbacks' },
      ]);
    }
    const { record, created } = await this.creation.create(client, dto);
    if (created) this.metrics.approvalCreated(client.id);
    return { approval: this.respond(record), created };
  }

  async find(client: ClientConfig, id: string): Promise<ApprovalResponse> {
    const record = await this.owned(client, id);
    return { ...this.respond(record), deliveries: await this.deliveries.listFor(record.id) };
  }

  async cancel(client: ClientConfig, id: string): Promise<ApprovalResponse> {
    const record = await this.owned(client, id);
    if (isTerminal(record.status)) throw new ApprovalAlreadyTerminalError(id, record.status);
    const finished = await this.finish(id, 'cancelled');
    if (finished?.status !== 'cancelled') throw new ApprovalAlreadyTerminalError(id, finished?.status ?? 'gone');
    await this.polls.stop(id);
    return this.respond(finished);
  }

  /**
   * The one way out of `pending`. Returns the record as it ends up: with `status` when this call
   * won, or with whatever terminal status another change (a poll, an expiry, a cancel) set first.
   */
  async finish(id: string, status: TerminalStatus, details: DecisionDetails = {}): Promise<ApprovalRecord | undefined> {
    const current = await this.store.get(id);
    if (!current || isTerminal(current.status)) return current;
    const now = new Date();
    const next: ApprovalRecord = { ...current, ...details, status, decidedAt: now.toISOString() };
    const event = eventFor(next, now);
    const result = await this.store.transition(next, event);
    if (!result.applied) return this.store.get(id);
    this.logger.log({ approvalId: id, eventId: event.id, status }, `Approval ${id} is ${status}`);
    this.metrics.approvalFinished(next);
    await this.deliveries.scheduleFor(next, event);
    await this.store.markNotified(id);
    return next;
  }

  /**
   * Makes sure the terminal event of a decided approval is on its way: for a poll that finds its
   * approval already decided, and for the reconciler's outbox pass. Scheduling is keyed by event id,
   * so this never sends twice.
   */
  async ensureNotified(record: ApprovalRecord): Promise<void> {
    const last = await this.store.lastEvent(record.id);
    if (last && isTerminal(last.event.data.status)) await this.deliveries.scheduleFor(record, last.event);
    await this.store.markNotified(record.id);
  }

  /**
   * Hands to delivery the terminal events a crash kept from it: the transition records each one as
   * owed, and `finish` clears it once handed over. Returns how many were repaired.
   */
  async notifyOverdue(beforeMs: number, count = 500): Promise<number> {
    const ids = await this.store.unnotifiedBefore(beforeMs, count);
    for (const id of ids) {
      const record = await this.store.get(id);
      if (record) await this.ensureNotified(record);
      else await this.store.markNotified(id);
    }
    return ids.length;
  }

  private async owned(client: ClientConfig, id: string): Promise<ApprovalRecord> {
    const record = await this.store.get(id);
    // Another client's approval does not exist for this client: same answer as an unknown id.
    if (!record || record.clientId !== client.id) throw new ApprovalNotFoundError(id);
    return record;
  }

  private respond(record: ApprovalRecord): ApprovalResponse {
    const token = this.tokens.issue(record.id, record.clientId, record.expiresAt);
    return { ...toView(record), eventsUrl: `/v1/approvals/${encodeURIComponent(record.id)}/events?token=${token}` };
  }
}
