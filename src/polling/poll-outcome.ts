import { AuthType, RecognizeOperation } from '../recognize/recognize.types';

export type PollOutcome = { status: 'approved'; authType?: AuthType } | { status: 'rejected' } | { status: 'pending' };

/**
 * The contract's outcome rules. `result: true` is an approval whatever the state says. The docs list
 * only 'approved' and 'pending' as states, so any other state with `result: false` is read as a
 * decision against the operation: a rejection.
 */
export function outcomeOf(operation: RecognizeOperation): PollOutcome {
  if (operation.result === true) return { status: 'approved', ...(operation.authType && { authType: operation.authType }) };
  if (operation.state !== 'pending') return { status: 'rejected' };
  return { status: 'pending' };
}
