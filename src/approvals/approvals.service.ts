import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  ApprovalAlreadyConsumedError,
  ApprovalAlreadyTerminalError,
  ApprovalExpiredError,
  ApprovalNotApprovedError,
  ApprovalNotFoundError,
  ApprovalNotPendingError,
} from '../common/app.errors';
import { ClientConfig } from '../clients/client.config';
import { AppConfig } from '../config/app.config';
import { UserLimitsService } from '../ratelimit/user-limits.service';
import { phoneMessageFor, plainTransaction } from '../transactions/transaction';
import { MetricsService } from '../metrics/metrics.service';
import { ReceiptSigner } from '../receipts/receipt.signer';
import { ApprovalRecord, ApprovalResponse, ApprovalSignature, TerminalStatus, isTerminal, representationOf } from './approval';
import { receiptFactsOf } from './approval-evidence';
import { SequencedEvent, eventFor } from './approval-event';
import { ApprovalEventsEmitter } from './approval-events.emitter';
import { fingerprintOf } from './approval-fingerprint';
import { ApprovalsStore } from './approvals.store';
import { assertCallbackAllowed, ownRequestConflict, pendingRecord } from './creation-rules';
import { CreateApprovalDto } from './dto/create-approval.dto';
import { EventsUrls } from './events-urls';
import { RecognizeOperationsService } from './recognize-operations.service';

/**
 * A reservation outlives a creation whose outcome upstream is unknown (timeout, crash), so that the
 * caller's retry within this window can adopt the operation instead of being told it conflicts.
 */
const RESERVATION_TTL_MS = 10 * 60_000;

/** What a decided approval gains besides its status. */
export type DecisionDetails = Partial<Pick<ApprovalRecord, 'authType' | 'authentication' | 'approvedBy' | 'signature'>>;

/**
 * The approval state machine (pending → exactly one of the terminal statuses, once), the owner rule,
 * and the one way other capabilities read approvals: the store stays private to this folder.
 */
@Injectable()
export class ApprovalsService {
  private readonly logger = new Logger(ApprovalsService.name);

  constructor(
    private readonly store: ApprovalsStore,
    private readonly operations: RecognizeOperationsService,
    private readonly userLimits: UserLimitsService,
    private readonly announcements: ApprovalEventsEmitter,
    private readonly tokens: EventsUrls,
    private readonly metrics: MetricsService,
    private readonly receipts: ReceiptSigner,
    private readonly config: AppConfig,
  ) {}

  /**
   * Every rule of a creation, in order: the callback checks, the id and its fingerprint, one clock for
   * createdAt and expiresAt, admission (two round trips: the id's lookup and reservation in its shard,
   * then the per-user limits under the client's tag; they come first because every creation at
   * Recognize pushes to the user's phone), the
   * operation at Recognize, then the record, stored with its first event and first poll.
   */
  async create(
    client: ClientConfig,
    dto: CreateApprovalDto,
    ciba: { bindingMessage?: string } = {},
  ): Promise<{ approval: ApprovalResponse; created: boolean }> {
    assertCallbackAllowed(client, dto.callbackUrl);
    const id = dto.operationId ?? `op_${randomUUID()}`;
    const userId = dto.userId.toUpperCase();
    const transaction = dto.transaction && plainTransaction(dto.transaction);
    // What the phone shows: with a payment only the service's own text written from it (the DTO refuses
    // a message beside a transaction), so the user reads what is bound; after it, a CIBA request's
    // binding message, whose few characters CIBA's own rule allows (no line break, no format character).
    const message = transaction ? [phoneMessageFor(transaction), ciba.bindingMessage].filter(Boolean).join('\n') : dto.message;
    const fingerprint = fingerprintOf({
      userId,
      externalUserId: dto.externalUserId,
      message: dto.message ?? ciba.bindingMessage,
      timeoutSeconds: dto.timeoutSeconds,
      callbackUrl: dto.callbackUrl,
      metadata: dto.metadata,
      transaction,
    });
    // One clock: the limits count the approval until the expiresAt its record carries. Taken before
    // Recognize is asked, so the approval never outlives the operation's own timeout there.
    const now = new Date();
    const expiresAtMs = now.getTime() + (dto.timeoutSeconds ?? this.config.approvals.defaultTimeoutS) * 1000;

    // Admission, in two steps before Recognize is asked (a refused creation pushes nothing to a
    // phone): the id is looked up and reserved in its shard, then counted against the limits under
    // the client's hash tag. A refusal frees the reservation; a crash in between leaves it to expire.
    const reservation = await this.store.reserve({ id, owner: `${client.id}|${fingerprint}`, reservationTtlMs: RESERVATION_TTL_MS });
    if (reservation.kind === 'existing')
      return { approval: this.respond(await this.sameRequestOrConflict(reservation.record, client, fingerprint)), created: false };
    if (reservation.kind === 'held')
      throw reservation.owner.startsWith(`${client.id}|`) ? ownRequestConflict(id) : await this.operations.usedElsewhereInUpstreamTime(id);
    // The record is kept until expiresAt + retention at the latest (a decision starts retention sooner).
    const counted = { id, expiresAtMs, keepUntilMs: expiresAtMs + this.config.approvals.retentionS * 1000 };
    const limits = await this.userLimits.count(client.id, userId, counted, (ids) => this.store.decidedAmong(ids));
    if (limits.kind === 'limited') {
      await this.store.releaseReservation(id);
      throw this.userLimits.refusal(limits.verdict, limits.retryAfterMs);
    }

    await this.operations
      .create({ id, userId, externalUserId: dto.externalUserId, message }, reservation.mine)
      .catch(async (err: unknown) => {
        await this.userLimits.release(client.id, userId, id).catch(() => undefined);
        throw err;
      });

    const record = pendingRecord(dto, { id, clientId: client.id, userId, message, transaction, fingerprint, createdAt: now, expiresAtMs });
    // The same script frees the reservation: the record now answers for the id.
    if (!(await this.store.create(record, eventFor(record, now, this.tokens.eventsUrl(record))))) {
      // A concurrent identical request stored it first.
      const winner = await this.store.get(id);
      if (!winner) throw await this.operations.usedElsewhereInUpstreamTime(id);
      return { approval: this.respond(await this.sameRequestOrConflict(winner, client, fingerprint)), created: false };
    }
    this.metrics.approvalCreated(client.id);
    return { approval: this.respond(record), created: true };
  }

  async find(client: ClientConfig, id: string): Promise<ApprovalResponse> {
    const record = await this.assertOwned(client.id, id);
    return { ...this.respond(record), deliveries: await this.store.deliveries(record.id) };
  }

  /** The transition out of pending also stops polling, in the same script: nothing else to stop here. */
  async cancel(client: ClientConfig, id: string): Promise<ApprovalResponse> {
    const record = await this.assertOwned(client.id, id);
    if (isTerminal(record.status)) throw new ApprovalAlreadyTerminalError(id, record.status);
    const finished = await this.finish(id, 'cancelled');
    if (finished?.status !== 'cancelled') throw new ApprovalAlreadyTerminalError(id, finished?.status ?? 'gone');
    return this.respond(finished);
  }

  /**
   * Consume once (contract v2). Consuming changes an approval after its terminal event, so no event
   * follows: the store's script is the only arbiter, whichever instance the calls reach.
   */
  async consume(client: ClientConfig, id: string, reference: string): Promise<ApprovalResponse> {
    await this.assertOwned(client.id, id);
    const result = await this.store.consume(id, reference, new Date().toISOString());
    const record = await this.store.get(id);
    if (result === 'missing' || !record) throw new ApprovalNotFoundError(id);
    if (result === 'not_approved') throw new ApprovalNotApprovedError(id, record.status);
    if (result === 'other_reference') throw new ApprovalAlreadyConsumedError(id);
    if (result === 'consumed') this.logger.log({ approvalId: id }, `Approval ${id} consumed`);
    return this.respond(record);
  }

  /**
   * The one way out of `pending`. Returns the record as it ends up: with `status` when this call
   * won, or with whatever terminal status another change (a poll, an expiry, a cancel) set first.
   */
  async finish(
    id: string,
    status: TerminalStatus,
    details: DecisionDetails = {},
    options: { receivedAt?: string } = {},
  ): Promise<ApprovalRecord | undefined> {
    const current = await this.store.get(id);
    if (!current || isTerminal(current.status)) return current;
    const now = new Date();
    const next: ApprovalRecord = { ...current, ...details, status, decidedAt: now.toISOString() };
    if (status === 'approved') {
      // Signed before the transition, with decidedAt already fixed, so that the terminal event carries
      // the receipt GET will show. A transition that loses the race simply drops it.
      const approvedBy = details.approvedBy ?? 'push';
      next.approvedBy = approvedBy;
      next.receipt = await this.receipts.sign(receiptFactsOf({ ...next, approvedBy, decidedAt: next.decidedAt! }));
    } else {
      delete next.approvedBy;
      delete next.signature;
    }
    const event = eventFor(next, now, this.tokens.eventsUrl(next));
    const result = await this.store.transition(next, event, options.receivedAt);
    if (!result.applied) return this.store.get(id);
    this.logger.log({ approvalId: id, eventId: event.id, status }, `Approval ${id} is ${status}`);
    this.metrics.approvalFinished(next);
    await this.announceDecision(id, next, { seq: result.seq, event });
    return next;
  }

  /**
   * A verified transaction signature: approves a pending approval through `finish`, the transition a
   * poll uses, so a racing push decision still yields one terminal event. On an approved approval (a
   * push won, or an earlier signature) it is recorded when none was, without a new event; on any other
   * status it is refused.
   *
   * Contract v3: a signature received (`receivedAtMs`) at or after expiresAt never approves. The
   * transition itself compares the two, so a signature that arrives while the final poll is still
   * out cannot slip in before the poll's "expired"; a still pending approval is then expired here
   * (one terminal event, whichever of this, the poll and the expiry sweep gets there first).
   */
  async acceptSignature(id: string, signature: ApprovalSignature, receivedAtMs: number): Promise<ApprovalResponse> {
    const receivedAt = new Date(receivedAtMs).toISOString();
    let record = await this.finish(id, 'approved', { approvedBy: 'signature', signature }, { receivedAt });
    if (!record) throw new ApprovalNotFoundError(id);
    if (record.status === 'pending') {
      // Refused by the deadline (the record read back is the one the script judged), unless the id
      // was re-created in between: that approval is not this request's to end.
      if (receivedAt < record.expiresAt) throw new ApprovalNotPendingError(id, 'replaced');
      const ended = await this.finish(id, 'expired');
      throw new ApprovalExpiredError(id, record.expiresAt, ended?.status ?? 'gone');
    }
    if (receivedAt >= record.expiresAt) throw new ApprovalExpiredError(id, record.expiresAt, record.status);
    if (record.status !== 'approved') throw new ApprovalNotPendingError(id, record.status);
    if (!record.signature) {
      record =
        (await this.store.update(id, (r) =>
          r.status === 'approved' && !r.signature && receivedAt < r.expiresAt ? { ...r, signature } : undefined,
        )) ?? record;
    }
    return this.respond(record);
  }

  /**
   * Announces the decision of a decided approval again, for a poll that finds it already decided and
   * for the outbox sweep: listeners key their work by event id, so this never sends twice. An id
   * whose record is gone only leaves the outbox.
   */
  async announceDecisionAgain(id: string): Promise<void> {
    const record = await this.store.get(id);
    await this.announceDecision(id, record, record && (await this.store.lastEvent(id)));
  }

  /** One shard's decided approvals whose terminal event was not handed to delivery by `beforeMs` (a crash cut it off), oldest first. */
  notHandedToDeliveryBefore(shard: number, beforeMs: number, count: number): Promise<string[]> {
    return this.store.notHandedToDeliveryBefore(shard, beforeMs, count);
  }

  /**
   * A record's doc as another folder's script read it (polling's claim), decoded. Without its
   * consumption fields: a record that can be consumed is decided, and no longer polled.
   */
  recordOfDoc(doc: string): ApprovalRecord {
    return ApprovalsStore.recordOf(doc, null, null);
  }

  /** Any client's approval, for the capabilities that act on it; callers on behalf of a client use assertOwned. */
  get(id: string): Promise<ApprovalRecord | undefined> {
    return this.store.get(id);
  }

  /** The owner rule: another client's approval does not exist for this client, same answer as an unknown id. */
  async assertOwned(clientId: string, id: string): Promise<ApprovalRecord> {
    const record = await this.store.get(id);
    if (!record || record.clientId !== clientId) throw new ApprovalNotFoundError(id);
    return record;
  }

  /** The approval's events after sequence number `afterSeq` (0: all), in order. */
  eventsAfter(id: string, afterSeq = 0): Promise<SequencedEvent[]> {
    return this.store.eventsAfter(id, afterSeq);
  }

  /** The last event of the approval's log, the terminal one once decided. */
  lastEvent(id: string): Promise<SequencedEvent | undefined> {
    return this.store.lastEvent(id);
  }

  /** Every shard's number (redis/shard-map.ts): a sweep over pending approvals or the outbox walks each. */
  get shards(): readonly number[] {
    return this.store.shards;
  }

  /** Ids of one shard's pending approvals, oldest deadline first, a page at a time. */
  pendingIds(shard: number, offset: number, count: number): Promise<string[]> {
    return this.store.pendingIds(shard, offset, count);
  }

  /** Ids of one shard's pending approvals whose deadline is before `beforeMs`, oldest first. */
  pendingIdsExpiringBefore(shard: number, beforeMs: number, count: number): Promise<string[]> {
    return this.store.pendingIdsExpiringBefore(shard, beforeMs, count);
  }

  /**
   * The transition recorded the terminal event as owed to delivery (the outbox, in the same script);
   * it is cleared once every listener of `approval.decided` has it. A crash in between leaves the
   * entry for the sweep (webhooks/decision-outbox.reconciler.ts). Listeners: `grep OnApprovalEvent`.
   */
  private async announceDecision(id: string, record: ApprovalRecord | undefined, last: SequencedEvent | undefined): Promise<void> {
    if (record && last && isTerminal(last.event.data.status))
      await this.announcements.emit('approval.decided', { record, event: last.event });
    await this.store.markHandedToDelivery(id);
  }

  private async sameRequestOrConflict(existing: ApprovalRecord, client: ClientConfig, fingerprint: string): Promise<ApprovalRecord> {
    if (existing.clientId !== client.id) throw await this.operations.usedElsewhereInUpstreamTime(existing.id);
    if (existing.fingerprint === fingerprint) return existing;
    throw ownRequestConflict(existing.id);
  }

  private respond(record: ApprovalRecord): ApprovalResponse {
    return representationOf(record, this.tokens.eventsUrl(record));
  }
}
