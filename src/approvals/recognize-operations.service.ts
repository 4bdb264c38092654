import { Injectable, Logger } from '@nestjs/common';
import {
  ApprovalConflictError,
  InvalidRequestError,
  UpstreamBadGatewayError,
  UpstreamUnavailableError,
  UserNotFoundError,
} from '../common/app.errors';
import { RecognizeClient } from '../recognize/recognize.client';
import {
  RecognizeBadRequestError,
  RecognizeConflictError,
  RecognizeError,
  RecognizeNotFoundError,
  RecognizeThrottledError,
  RecognizeUnavailableError,
} from '../recognize/recognize.errors';
import { ApprovalsStore } from './approvals.store';
import { UpstreamCreateTimings } from './upstream-create-timings';

/** What Recognize is asked to create for an admitted approval. */
export interface OperationRequest {
  id: string;
  userId: string;
  externalUserId?: string;
  message?: string;
}

/**
 * The creation of an approval's operation at Recognize (the rules of a creation are stated in
 * ApprovalsService.create): adopts the operation an earlier attempt of the same request created,
 * translates Recognize's failures into the caller's answers, frees the operationId again after a
 * definite failure, and answers "already used at Recognize" in as long as Recognize takes to.
 */
@Injectable()
export class RecognizeOperationsService {
  private readonly logger = new Logger(RecognizeOperationsService.name);
  private readonly upstreamTimings = new UpstreamCreateTimings();

  constructor(
    private readonly store: ApprovalsStore,
    private readonly recognize: RecognizeClient,
  ) {}

  /** `retryOfOurs`: the id's reservation was this request's already, so a conflict may be our own earlier attempt. */
  async create(request: OperationRequest, retryOfOurs: boolean): Promise<void> {
    const { id, userId, externalUserId, message } = request;
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
      if (err instanceof RecognizeConflictError && retryOfOurs && (await this.isOurOperation(request))) return;
      throw await this.translate(err, id, userId);
    }
  }

  /** Recognize's own conflict, answered after as long as Recognize takes to answer (see UpstreamCreateTimings). */
  async usedElsewhereInUpstreamTime(id: string): Promise<ApprovalConflictError> {
    await this.upstreamTimings.pad();
    return usedElsewhere(id);
  }

  /** An earlier attempt of this same request may have created the operation before it lost its answer. */
  private async isOurOperation({ id, userId, externalUserId, message }: OperationRequest): Promise<boolean> {
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
