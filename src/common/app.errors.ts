import { HttpStatus } from '@nestjs/common';

/** One field's problem, as named in a 400 body. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Errors the service raises on purpose. The global filter turns each into an RFC 9457 problem
 * with a stable `code`; anything else becomes a 500 with an error id.
 */
export abstract class AppError extends Error {
  abstract readonly status: HttpStatus;
  abstract readonly code: string;
  constructor(
    message: string,
    /** Seconds for a Retry-After header, when the caller should come back. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidRequestError extends AppError {
  readonly status = HttpStatus.BAD_REQUEST;
  readonly code = 'invalid_request';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class UnauthenticatedError extends AppError {
  readonly status = HttpStatus.UNAUTHORIZED;
  readonly code = 'unauthenticated';
}

export class ApprovalNotFoundError extends AppError {
  readonly status = HttpStatus.NOT_FOUND;
  readonly code = 'approval_not_found';
  constructor(id: string) {
    super(`Approval ${JSON.stringify(id)} does not exist`);
  }
}

export class UserNotFoundError extends AppError {
  readonly status = HttpStatus.NOT_FOUND;
  readonly code = 'user_not_found';
  constructor(userId: string) {
    super(`Recognize has no user ${userId}`);
  }
}

export class ApprovalConflictError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'approval_conflict';
}

export class ApprovalAlreadyTerminalError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'approval_already_terminal';
  constructor(id: string, status: string) {
    super(`Approval ${JSON.stringify(id)} is already ${status}`);
  }
}

/** Consume once: the approval was consumed already, for another reference. */
export class ApprovalAlreadyConsumedError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'approval_already_consumed';
  constructor(id: string) {
    super(`Approval ${JSON.stringify(id)} has already been consumed with another reference`);
  }
}

/** Only an approved approval can be consumed. */
export class ApprovalNotApprovedError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'approval_not_approved';
  constructor(id: string, status: string) {
    super(`Approval ${JSON.stringify(id)} is ${status}, not approved`);
  }
}

/** An action that needs a pending approval (a signature approving it) on one that ended otherwise. */
export class ApprovalNotPendingError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'approval_not_pending';
  constructor(id: string, status: string) {
    super(`Approval ${JSON.stringify(id)} is ${status}: only a pending approval can be approved`);
  }
}

/** Contract v3: a signature received at or after the approval's expiresAt never approves it. */
export class ApprovalExpiredError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'approval_expired';
  constructor(id: string, expiresAt: string, status: string) {
    super(`Approval ${JSON.stringify(id)} expired at ${expiresAt} before the signature was received; it is ${status}`);
  }
}

/** Recognize answered 5xx or refused our key: a bad gateway, not the caller's fault. */
export class UpstreamBadGatewayError extends AppError {
  readonly status = HttpStatus.BAD_GATEWAY;
  readonly code = 'recognize_bad_gateway';
}

/** Recognize could not be reached, timed out or throttled us. */
export class UpstreamUnavailableError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'recognize_unavailable';
}

export class TooManyRequestsError extends AppError {
  readonly status = HttpStatus.TOO_MANY_REQUESTS;
  readonly code = 'too_many_requests';
}

/**
 * The client's stored approvals reached CLIENT_MAX_STORED_APPROVALS. A 429 rather than a 507: the
 * limit is the caller's own share, it frees itself as approvals leave retention (Retry-After says
 * when the first does), and every client already handles 429 with Retry-After; a 5xx would read as
 * a fault of the service and be retried at once.
 */
export class StorageQuotaExceededError extends AppError {
  readonly status = HttpStatus.TOO_MANY_REQUESTS;
  readonly code = 'storage_quota_exceeded';
}

/**
 * Redis did not answer (down, restarting, a failover under way): nothing about the request was wrong,
 * and the same request shortly answers normally. Requests are idempotent where they change anything
 * (a create by its operationId), so sending it again is safe.
 */
export class StorageUnavailableError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'storage_unavailable';
  constructor() {
    super('Storage is briefly unavailable (a Redis restart or failover); send the same request again after Retry-After', 1);
  }
}

/**
 * The approval was stored, but no Redis replica confirmed it within REDIS_REPLICA_WAIT_MS: a failover
 * now could lose it, so it is not answered 201. The same request again (same operationId) answers
 * the stored approval, or creates it anew if a failover did lose it.
 */
export class StorageNotReplicatedError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'storage_not_replicated';
  constructor(id: string) {
    super(
      `Approval ${id} was stored, but no Redis replica confirmed it in time, so a failover could still lose it; send the same request again with operationId ${id}`,
      1,
    );
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = HttpStatus.UNSUPPORTED_MEDIA_TYPE;
  readonly code = 'unsupported_media_type';
}
