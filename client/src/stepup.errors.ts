import type { Problem, ProblemCode, ProblemFieldError } from './types.js';

/** Any error answer of the service, built from its RFC 9457 problem body. */
export class StepupError extends Error {
  readonly status: number;
  /** The problem's stable `code` (`http_<status>` when the answer had no problem body). */
  readonly code: ProblemCode | (string & {});
  readonly detail: string;
  /** The fields at fault, on a 400. */
  readonly errors: ProblemFieldError[];
  /** Seconds from `Retry-After`, when the service sent one. */
  readonly retryAfter?: number;
  /** The `X-Request-Id` the service answered with: quote it when reporting a problem. */
  readonly requestId?: string;
  readonly problem?: Problem;

  constructor(init: {
    status: number;
    code: string;
    detail: string;
    errors?: ProblemFieldError[];
    retryAfter?: number;
    requestId?: string;
    problem?: Problem;
  }) {
    super(`${init.status} ${init.code}: ${init.detail}`);
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.problem !== undefined) this.problem = init.problem;
  }
}

/** 400 (and 413, 415): the request was malformed; `errors` names the fields. */
export class ValidationError extends StepupError {}
/** 401: missing or wrong API key, or an expired `eventsUrl` token. */
export class AuthenticationError extends StepupError {}
/** 404: unknown approval (or another client's), or a Recognize user that does not exist. */
export class NotFoundError extends StepupError {}
/**
 * 409: the approval is not in a state that allows the call. `code` says which rule:
 * `approval_conflict`, `approval_already_terminal`, `approval_already_consumed`,
 * `approval_not_approved`, `approval_not_pending` (a valid signature on a rejected, expired,
 * cancelled or failed approval), `approval_expired` (a signature received at or after the
 * approval's `expiresAt`: it never approves), `nothing_to_redeliver`.
 */
export class ConflictError extends StepupError {}
/** 422: the signed transaction JWT was refused; `detail` says which check failed. */
export class InvalidSignatureError extends StepupError {}
/** 429: throttled (`too_many_requests`) or over a storage quota (`storage_quota_exceeded`); `retryAfter` says when to come back. */
export class RateLimitedError extends StepupError {}
/**
 * 502/503: Recognize failed or could not be reached; nothing was created. `recognize_keys_refreshing`
 * (503): a signature names a key Recognize has just published and the service may not read its key
 * set again yet; `submitSignature` retries it after `Retry-After`, like any 503. `storage_not_replicated`
 * (503, behind Redis Sentinel or a cluster): the approval was stored but no replica confirmed it in
 * time; send the same create again with its operationId (named in `detail`). `storage_unavailable` (503,
 * any call): Redis is restarting or failing over; the same request again after `Retry-After` answers.
 */
export class UpstreamError extends StepupError {}

const FAMILIES: Record<number, typeof StepupError> = {
  400: ValidationError,
  413: ValidationError,
  415: ValidationError,
  401: AuthenticationError,
  403: AuthenticationError,
  404: NotFoundError,
  409: ConflictError,
  422: InvalidSignatureError,
  429: RateLimitedError,
  502: UpstreamError,
  503: UpstreamError,
};

/** The typed error for an error answer; reads (and so consumes) its body. */
export async function errorFromResponse(response: Response): Promise<StepupError> {
  const text = await response.text().catch(() => '');
  const problem = parseProblem(text);
  const ErrorClass = FAMILIES[response.status] ?? StepupError;
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  const requestId = response.headers.get('x-request-id') ?? undefined;
  return new ErrorClass({
    status: response.status,
    code: problem?.code ?? `http_${response.status}`,
    detail: problem?.detail ?? (response.statusText || `HTTP ${response.status}`),
    ...(problem?.errors && { errors: problem.errors }),
    ...(retryAfter !== undefined && { retryAfter }),
    ...(requestId !== undefined && { requestId }),
    ...(problem && { problem }),
  });
}

/** A body is taken as a problem only when it carries a string `code`; a proxy's HTML page is not one. */
function parseProblem(text: string): Problem | undefined {
  try {
    const body = JSON.parse(text) as Partial<Problem> | null;
    if (!body || typeof body !== 'object' || typeof body.code !== 'string') return undefined;
    return {
      type: typeof body.type === 'string' ? body.type : 'about:blank',
      title: typeof body.title === 'string' ? body.title : '',
      status: typeof body.status === 'number' ? body.status : 0,
      detail: typeof body.detail === 'string' ? body.detail : '',
      code: body.code,
      ...(Array.isArray(body.errors) && { errors: body.errors }),
      ...(typeof body.errorId === 'string' && { errorId: body.errorId }),
    };
  } catch {
    return undefined;
  }
}

/** `Retry-After` as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
