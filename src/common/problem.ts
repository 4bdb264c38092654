import { HttpStatus } from '@nestjs/common';
import { FieldError } from './app.errors';

/** RFC 9457 problem details, plus our stable `code` and, for 400s, the fields at fault. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  errorId?: string;
}

export const PROBLEM_TYPE_BASE = 'https://stepup-orchestrator.dev/problems/';

/**
 * Every `code` the API's problems carry, with its status: the one table behind ProblemFilter, the
 * OpenAPI examples (@ApiProblems) and ProblemDto's enum. `generic`: the code ProblemFilter gives an
 * HttpException of that status (Nest's own 404 and 405, body-parser's 400 and 413); the others are
 * raised as typed errors (common/app.errors.ts, webhooks/delivery.errors.ts). The demo's own codes
 * are not part of the API.
 */
export const PROBLEM_CODES = {
  invalid_request: { status: 400, generic: true },
  unauthenticated: { status: 401, generic: true },
  forbidden: { status: 403, generic: true },
  not_found: { status: 404, generic: true },
  approval_not_found: { status: 404 },
  user_not_found: { status: 404 },
  event_not_found: { status: 404 },
  method_not_allowed: { status: 405, generic: true },
  conflict: { status: 409, generic: true },
  approval_conflict: { status: 409 },
  approval_already_terminal: { status: 409 },
  approval_already_consumed: { status: 409 },
  approval_not_approved: { status: 409 },
  approval_not_pending: { status: 409 },
  approval_expired: { status: 409 },
  nothing_to_redeliver: { status: 409 },
  no_webhook_url: { status: 409 },
  payload_too_large: { status: 413, generic: true },
  unsupported_media_type: { status: 415, generic: true },
  invalid_signature: { status: 422 },
  too_many_requests: { status: 429, generic: true },
  storage_quota_exceeded: { status: 429 },
  internal_error: { status: 500 },
  recognize_bad_gateway: { status: 502 },
  recognize_unavailable: { status: 503 },
  recognize_keys_refreshing: { status: 503 },
  storage_not_replicated: { status: 503 },
  storage_unavailable: { status: 503 },
} as const satisfies Record<string, { status: number; generic?: true }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;
export const PROBLEM_CODE_NAMES = Object.keys(PROBLEM_CODES) as ProblemCode[];

const entries = Object.entries(PROBLEM_CODES) as [ProblemCode, { status: number; generic?: true }][];

/** The code of an HttpException (or a body-parser error) with this status. */
export function genericCode(status: number): string {
  return entries.find(([, p]) => p.status === status && p.generic)?.[0] ?? `http_${status}`;
}

/** The code an example of this status shows: the typed error's, else the generic one. */
export function exampleCode(status: number): string {
  return (
    (entries.find(([, p]) => p.status === status && !('generic' in p)) ?? entries.find(([, p]) => p.status === status))?.[0] ??
    `http_${status}`
  );
}

/** `Bad request`, `Not found`, … from the status. */
export function problemTitle(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name ? name.charAt(0) + name.slice(1).toLowerCase().replace(/_/g, ' ') : 'Error';
}

export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return { type: PROBLEM_TYPE_BASE + code, title: problemTitle(status), status, detail, code, ...(errors ? { errors } : {}) };
}
