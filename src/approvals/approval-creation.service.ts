import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  ApprovalConflictError,
  InvalidRequestError,
  UpstreamBadGatewayError,
  UpstreamUnavailableError,
  UserNotFoundError,
} from '../common/app.errors';
import { AppConfig } from '../config/app.config';
import { ClientConfig } from '../clients/client.config';
import { Admission, UserLimitsService } from '../ratelimit/user-limits.service';
import { RecognizeClient } from '../recognize/recognize.client';
import {
  RecognizeBadRequestError,
  RecognizeConflictError,
  RecognizeError,
  RecognizeNotFoundError,
  RecognizeThrottledError,
  RecognizeUnavailableError,
} from '../recognize/recognize.errors';
import { ApprovalRecord } from './approval';
import { eventFor } from './approval-event';
import { fingerprintOf } from './approval-fingerprint';
import { ApprovalsStore } from './approvals.store';
import { CreateApprovalDto } from './dto/create-approval.dto';
import { phoneMessageFor, plainTransaction, transactionDataFor, transactionHashOf } from '../transactions/transaction';
import { EventsTokenService } from './events-token.service';
import { UpstreamCreateTimings } from './upstream-create-timings';

/**
 * A reservation outlives a creation whose outcome upstream is unknown (timeout, crash), so that the
 * caller's retry within this window can adopt the operation instead of being told it conflicts.
 */
const RESERVATION_TTL_MS = 10 * 60_000;

export interface CreationResult {
  record: ApprovalRecord;
  created: boolean;
}

@Injectable()
export class ApprovalCreationService {
  private readonly logger = new Logger(ApprovalCreationService.name);
  private readonly upstreamTimings = new UpstreamCreateTimings();

  constructor(
    private readonly store: ApprovalsStore,
    private readonly recognize: RecognizeClient,
    private readonly config: AppConfig,
    private readonly userLimits: UserLimitsService,
    private readonly tokens: EventsTokenService,
  ) {}

  async create(client: ClientConfig, dto: CreateApprovalDto): Promise<CreationResult> {
    const id = dto.operationId ?? `op_${randomUUID()}`;
    const userId = dto.userId.toUpperCase();
    const transaction = dto.transaction && plainTransaction(dto.transaction);
    // What the phone shows: with a payment only the service's own text written from it (the DTO refuses
    // a message beside a transaction), so the user reads what is bound.
    const message = transaction ? phoneMessageFor(transaction) : dto.message;
    const fingerprint = fingerprintOf({
      userId,
      externalUserId: dto.externalUserId,
      message: dto.message,
      timeoutSeconds: dto.timeoutSeconds,
      callbackUrl: dto.callbackUrl,
      metadata: dto.metadata,
      transaction,
    });
    const owner = `${client.id}|${fingerprint}`;
    const admission = await this.admit(client.id, id, userId, owner, dto);
    if (admission.kind === 'existing') {
      const existing = ApprovalsStore.recordOf(admission.doc, admission.consumedAt, admission.consumedReference);
      return { record: await this.sameRequestOrConflict(existing, client, fingerprint), created: false };
    }
    if (admission.kind === 'held')
      throw admission.owner.startsWith(`${client.id}|`) ? conflict(id) : await this.usedElsewhereInUpstreamTime(id);

    await this.createUpstream(id, userId, dto.externalUserId, message, admission.retryOfOurs).catch(async (err: unknown) => {
      await this.userLimits.release(client.id, userId, id).catch(() => undefined);
      throw err;
    });

    const now = new Date();
    const transactionData = transactionDataFor(id, transaction ? { transaction } : { message });
    const record: ApprovalRecord = {
      id,
      clientId: client.id,
      userId,
      ...(dto.externalUserId !== undefined && { externalUserId: dto.externalUserId }),
      ...(message !== undefined && { message }),
      ...(dto.metadata !== undefined && { metadata: dto.metadata }),
      ...(transaction !== undefined && { transaction }),
      transactionData,
      transactionHash: transactionHashOf(transactionData),
      ...(dto.callbackUrl !== undefined && { callbackUrl: dto.callbackUrl }),
      status: 'pending',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + (dto.timeoutSeconds ?? this.config.approvals.defaultTimeoutS) * 1000).toISOString(),
      fingerprint,
    };
    // The same script frees the reservation: the record now answers for the id.
    const created = await this.store.create(record, eventFor(record, now, this.tokens.eventsUrl(record)));
    if (!created) {
      // A concurrent identical request stored it first.
      const winner = await this.store.get(id);
      if (!winner) throw await this.usedElsewhereInUpstreamTime(id);
      return { record: await this.sameRequestOrConflict(winner, client, fingerprint), created: false };
    }
    return { record, created: true };
  }

  /**
   * One round trip before Recognize is asked: the lookup of the id, its reservation while the creation
   * is in flight (so that two concurrent POSTs cannot both create it), and the per-user limits, which
   * come first because every creation there pushes to the user's phone.
   */
  private admit(clientId: string, id: string, userId: string, owner: string, dto: CreateApprovalDto): Promise<Admission> {
    const expiresAtMs = Date.now() + (dto.timeoutSeconds ?? this.config.approvals.defaultTimeoutS) * 1000;
    // The record is kept until expiresAt + retention at the latest (a decision starts retention sooner).
    const keepUntilMs = expiresAtMs + this.config.approvals.retentionS * 1000;
    return this.userLimits.admit({ clientId, userId, id, expiresAtMs, keepUntilMs, owner, reservationTtlMs: RESERVATION_TTL_MS });
  }

  private async createUpstream(
    id: string,
    userId: string,
    externalUserId: string | undefined,
    message: string | undefined,
    retryOfOurs: boolean,
  ): Promise<void> {
    const startedAt = performance.now();
    try {
      await this.recognize.createOperation({
        userId,
        operationId: id,
        ...(externalUserId !== undefined && { externalUserId }),
        ...(message !== undefined && { operationPayload: message }),
      });
      this.upstreamTimings.record(performance.now() - startedAt);
    } catch (err) {
      if (err instanceof RecognizeConflictError) this.upstreamTimings.record(performance.now() - startedAt);
      if (err instanceof RecognizeConflictError && retryOfOurs && (await this.isOurOperation(id, userId, externalUserId, message))) return;
      throw await this.translate(err, id, userId);
    }
  }

  /** An earlier attempt of this same request may have created the operation before it lost its answer. */
  private async isOurOperation(
    id: string,
    userId: string,
    externalUserId: string | undefined,
    message: string | undefined,
  ): Promise<boolean> {
    const operation = await this.recognize.getOperation(id).catch(() => undefined);
    return (
      operation !== undefined &&
      operation.state === 'pending' &&
      operation.userId.toUpperCase() === userId &&
      operation.operationPayload === message &&
      operation.externalUserId === externalUserId
    );
  }

  /** Maps an upstream failure to the caller's answer; definite failures free the operationId again. */
  private async translate(err: unknown, id: string, userId: string): Promise<Error> {
    if (!(err instanceof RecognizeError)) return err as Error;
    const definite =
      err instanceof RecognizeNotFoundError || err instanceof RecognizeConflictError || err instanceof RecognizeBadRequestError;
    if (definite) await this.store.releaseReservation(id);
    if (err instanceof RecognizeNotFoundError) return new UserNotFoundError(userId);
    if (err instanceof RecognizeConflictError) return usedElsewhere(id);
    if (err instanceof RecognizeBadRequestError) return new InvalidRequestError('Recognize refused the request as invalid');
    if (err instanceof RecognizeThrottledError) {
      return new UpstreamUnavailableError(
        'Recognize is throttling requests; try again later',
        Math.ceil((err.retryAfterMs ?? 1000) / 1000),
      );
    }
    if (err instanceof RecognizeUnavailableError && err.reason === 'circuit_open') {
      // Recognize has been failing: answer at once instead of adding load; nothing was sent.
      return new UpstreamUnavailableError(
        'Recognize is failing; nothing was created, try again later',
        Math.ceil((err.retryAfterMs ?? 1000) / 1000),
      );
    }
    this.logger.warn(`Recognize failed creating ${id}: ${err.message}`);
    return err.upstreamStatus !== undefined && err.upstreamStatus >= 500
      ? new UpstreamBadGatewayError('Recognize failed to create the operation; nothing was created, try again')
      : new UpstreamUnavailableError('Recognize is unreachable; nothing was created, try again');
  }

  private async sameRequestOrConflict(existing: ApprovalRecord, client: ClientConfig, fingerprint: string): Promise<ApprovalRecord> {
    if (existing.clientId !== client.id) throw await this.usedElsewhereInUpstreamTime(existing.id);
    if (existing.fingerprint === fingerprint) return existing;
    throw conflict(existing.id);
  }

  /** Recognize's own conflict, answered after as long as Recognize takes to answer (see UpstreamCreateTimings). */
  private async usedElsewhereInUpstreamTime(id: string): Promise<ApprovalConflictError> {
    await this.upstreamTimings.pad();
    return usedElsewhere(id);
  }
}

/** The caller's own approval (or creation in flight) has this id with other fields. */
function conflict(id: string): ApprovalConflictError {
  return new ApprovalConflictError(`operationId ${JSON.stringify(id)} is already used by another request`);
}

/**
 * Recognize's operationIds are one namespace for every client, so an id another client holds here
 * cannot be created again. The answer is the very one Recognize's own conflict gets (an id used
 * upstream by anyone, through this service or not): the caller learns only what Recognize would
 * tell it, and nothing that singles out another client of this service or its approvals. It is
 * answered without asking Recognize (asking again for an id whose operation may still be live could
 * push to a phone once more), and delayed as long as Recognize's answer would take.
 */
function usedElsewhere(id: string): ApprovalConflictError {
  return new ApprovalConflictError(`operationId ${JSON.stringify(id)} is already used at Recognize`);
}
