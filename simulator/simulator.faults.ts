import { SimulatorError } from './simulator.http';

/** The upstream endpoints a fault can target. */
export type SimulatorRoute = 'create' | 'get' | 'pending' | 'authentications';

export interface SimulatorFault {
  /** Answer with this status (and `{"error": …}`) instead of serving the request. */
  status?: number;
  /** Sent as the Retry-After header with `status`. */
  retryAfter?: string;
  /** Hold the request this long first; clearFaults() releases held requests at once. */
  delayMs?: number;
  /** Answer 200 with a body that is not JSON. */
  malformed?: boolean;
  /** Serve a GET of an operation as usual but with this operationId in the answer (an upstream mix-up). */
  answerOperationId?: string;
  /** How many requests this fault applies to; unset: until cleared. */
  times?: number;
  route?: SimulatorRoute | 'any';
  /** Only requests about this operation (path, body or `operationId` query). */
  operationId?: string;
}

const ROUTES = ['create', 'get', 'pending', 'authentications', 'any'];

/** Checks a fault coming over the control API; in-process callers get the same checks. */
export function validateFault(input: Record<string, unknown>): SimulatorFault {
  const { status, retryAfter, delayMs, malformed, times, route, operationId, answerOperationId } = input;
  const problems: string[] = [];
  if (status !== undefined && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)) {
    problems.push('status must be an integer 100-599');
  }
  if (retryAfter !== undefined && typeof retryAfter !== 'string') problems.push('retryAfter must be a string');
  if (delayMs !== undefined && !(typeof delayMs === 'number' && delayMs >= 0 && Number.isFinite(delayMs))) {
    problems.push('delayMs must be a number >= 0');
  }
  if (malformed !== undefined && typeof malformed !== 'boolean') problems.push('malformed must be a boolean');
  if (times !== undefined && !(Number.isInteger(times) && (times as number) >= 1)) problems.push('times must be an integer >= 1');
  if (route !== undefined && !ROUTES.includes(route as string)) problems.push(`route must be one of ${ROUTES.join(', ')}`);
  if (operationId !== undefined && typeof operationId !== 'string') problems.push('operationId must be a string');
  if (answerOperationId !== undefined && typeof answerOperationId !== 'string') problems.push('answerOperationId must be a string');
  if (status === undefined && delayMs === undefined && !malformed && answerOperationId === undefined) {
    problems.push('a fault needs status, delayMs, malformed or answerOperationId');
  }
  if (problems.length) throw new SimulatorError(400, problems.join('; '));
  return input as SimulatorFault;
}

/** Faults in the order added; the first one matching a request applies, and uses up one of its `times`. */
export class FaultQueue {
  private faults: SimulatorFault[] = [];

  add(fault: SimulatorFault): void {
    this.faults.push({ ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  get size(): number {
    return this.faults.length;
  }

  take(route: SimulatorRoute, operationId: string | undefined): SimulatorFault | undefined {
    // Most benchmark requests run with no fault at all: keep that path free.
    if (this.faults.length === 0) return undefined;
    const index = this.faults.findIndex(
      (f) =>
        (f.route === undefined || f.route === 'any' || f.route === route) && (f.operationId === undefined || f.operationId === operationId),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(index, 1);
    }
    return fault;
  }
}
