import { AuthType, RecognizeOperation } from '../recognize/recognize.types';

/** Recognize's telemetry returns the authentications of the last 10 minutes only (recognize-api/telemetry.txt). */
export const TELEMETRY_WINDOW_MS = 10 * 60_000;

export type AnswerOutcome =
  | { status: 'approved'; authType?: AuthType }
  | { status: 'rejected' }
  | { status: 'expired' }
  | { status: 'pending' }
  /** Retried like an outage until expiresAt; never a decision. */
  | { status: 'upstream-fault'; reason: string };

export interface UpstreamAnswer {
  approval: { id: string; userId: string; expiresAt: string };
  operation: RecognizeOperation;
  /** When the answer reached us (ms since the epoch). */
  receivedAtMs: number;
  /** `createdAt` of Recognize's telemetry record of this operation's authentication, when one was found. */
  authenticatedAt?: string;
}

/**
 * Contract v2 outcome rules for one answer of GET /operations/{operationId}:
 * - an answer about another operation or user is an upstream fault, never a decision;
 * - `result: true` approves only when `state` is not pending too; `result: true` with a pending state
 *   contradicts itself and is a fault as well;
 * - a decision reported by an answer that arrived after expiresAt may have happened after it, so it
 *   counts only when telemetry dates the authentication at or before expiresAt; otherwise `expired`.
 *   An answer that arrived by expiresAt reports a decision made by then.
 */
export function outcomeOfAnswer(answer: UpstreamAnswer): AnswerOutcome {
  const { approval, operation, receivedAtMs } = answer;
  const expiresAtMs = Date.parse(approval.expiresAt);
  if (operation.operationId !== approval.id) return fault(`answer is about operation ${JSON.stringify(operation.operationId)}`);
  if (operation.userId !== '' && operation.userId.toUpperCase() !== approval.userId.toUpperCase())
    return fault(`answer is about user ${JSON.stringify(operation.userId)}`);

  if (operation.state === 'pending') {
    if (operation.result === true) return fault('answer says result true while the operation is pending');
    return receivedAtMs >= expiresAtMs ? { status: 'expired' } : { status: 'pending' };
  }
  const decision: AnswerOutcome =
    operation.result === true
      ? { status: 'approved', ...(operation.authType && { authType: operation.authType }) }
      : { status: 'rejected' };
  if (receivedAtMs <= expiresAtMs) return decision;
  const authenticatedAtMs = answer.authenticatedAt === undefined ? NaN : parseRecognizeTime(answer.authenticatedAt);
  return authenticatedAtMs <= expiresAtMs ? decision : { status: 'expired' };
}

/**
 * An approval this long past its deadline can only end `expired`: a decision reported now would need
 * telemetry dating it at or before expiresAt, and telemetry no longer reaches back that far. So after
 * a crash or a restore such approvals are expired without polling Recognize again.
 */
export function expiresWithoutPolling(expiresAt: string, nowMs: number): boolean {
  return nowMs > Date.parse(expiresAt) + TELEMETRY_WINDOW_MS;
}

/**
 * Recognize writes local date-times without an offset ("2025-05-21T10:34:00.000"); like the
 * simulator we read them as UTC. A time with an offset is read as written. NaN when unreadable.
 */
export function parseRecognizeTime(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value)) return NaN;
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  // Date.parse takes at most millisecond precision: trim longer fractions.
  const trimmed = value.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(hasOffset ? trimmed : `${trimmed}Z`);
}

function fault(reason: string): AnswerOutcome {
  return { status: 'upstream-fault', reason };
}
