/** Typed failures of a Recognize call; the client translates every HTTP and transport outcome into one of these. */
export abstract class RecognizeError extends Error {
  abstract readonly code: string;
  constructor(message: string, readonly upstreamStatus?: number) {
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
  constructor(message: string, readonly retryAfterMs?: number) {
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
