import { RecognizeOperation } from '../recognize/recognize.types';
import { outcomeOf } from './poll-outcome';

const makeOperation = (overrides: Partial<RecognizeOperation> = {}): RecognizeOperation => ({
  id: 1,
  timestamp: '2025-05-21T10:30:00.000',
  nodeId: 'node-1',
  userId: 'A1B2',
  operationId: 'op-1',
  state: 'pending',
  result: false,
  ...overrides,
});

describe(outcomeOf.name, () => {
  it('reads result true as approved, with the authType', () => {
    expect(outcomeOf(makeOperation({ state: 'approved', result: true, authType: 'biom' }))).toEqual({ status: 'approved', authType: 'biom' });
  });

  it('reads result true as approved whatever the state says', () => {
    expect(outcomeOf(makeOperation({ state: 'pending', result: true }))).toEqual({ status: 'approved' });
  });

  it.each(['approved', 'rejected', 'declined', ''])('reads state %j with result false as rejected', (state) => {
    expect(outcomeOf(makeOperation({ state, result: false }))).toEqual({ status: 'rejected' });
  });

  it('reads pending with result false as still pending', () => {
    expect(outcomeOf(makeOperation())).toEqual({ status: 'pending' });
  });
});
