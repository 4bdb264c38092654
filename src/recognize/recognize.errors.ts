import { parseRetryAfter } from './retry-after';

/** Typed failures of a Recognize call; the client translates every HTTP and transport outcome into one of these. */
export abstract class RecognizeError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly upstreamStatus?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 404: the user, external user or operation does not exist upstream. */
export class RecognizeNotFoundError extends RecognizeError {
  readonly code = 'recognize_not_found';
}

/** 409: e.g. the operationId is already used upstream. */
export class RecognizeConflictError extends RecognizeError {
  readonly code = 'recognize_conflict';
}

/** 400/406/415: upstream refused the request as malformed; retrying the same request cannot help. */
export class RecognizeBadRequestError extends RecognizeError {
  readonly code = 'recognize_bad_request';
}

/** 429: throttled; retry after `retryAfterMs` when upstream said so. */
export class RecognizeThrottledError extends RecognizeError {
  readonly code = 'recognize_throttled';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message, 429);
  }
}

/** 5xx, 401 (our key refused: an operator problem, not the caller's), timeouts, connection errors, malformed bodies. */
export class RecognizeUnavailableError extends RecognizeError {
  readonly code = 'recognize_unavailable';
  constructor(
    message: string,
    readonly reason: 'status' | 'timeout' | 'connection' | 'malformed' | 'unauthorized' | 'circuit_open',
    upstreamStatus?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, upstreamStatus);
  }
}

/** The status table: what each answer of Recognize means for us. undefined: success. */
export function errorForStatus(label: string, status: number, retryAfter: string | string[] | undefined): RecognizeError | undefined {
  if (status === 200) return undefined; // The only success the API documents.
  const message = `${label}: upstream answered ${status}`;
  switch (status) {
    case 400: // Our request broke a rule (e.g. user id not upper-case hex): sending it again cannot help.
    case 406: // We only accept JSON; upstream cannot produce it.
    case 415: // We sent something other than JSON.
      return new RecognizeBadRequestError(message, status);
    case 401: // Our X-Api-Key was refused: an operator must fix the configuration; callers did nothing wrong.
      return new RecognizeUnavailableError(message, 'unauthorized', status);
    case 404: // User, external user or operation unknown (a vanished operation while polling).
      return new RecognizeNotFoundError(message, status);
    case 409: // The operationId is already used upstream.
      return new RecognizeConflictError(message, status);
    case 429: // Throttled: retryable, after Retry-After when given.
      return new RecognizeThrottledError(message, parseRetryAfter(retryAfter));
  }
  // 5xx: upstream trouble, retryable; anything else (3xx, other 4xx/2xx) is undocumented and treated alike.
  // A 3xx is never followed: the X-Api-Key must not travel to wherever it points.
  return new RecognizeUnavailableError(message, 'status', status, status >= 500 ? parseRetryAfter(retryAfter) : undefined);
}
