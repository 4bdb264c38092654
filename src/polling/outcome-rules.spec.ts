import { RecognizeOperation } from '../recognize/recognize.types';
import { UpstreamAnswer, expiresWithoutPolling, outcomeOfAnswer, parseRecognizeTime } from './outcome-rules';

const EXPIRES_AT = '2026-05-21T10:35:00.000Z';
const DEADLINE = Date.parse(EXPIRES_AT);

const makeOperation = (overrides: Partial<RecognizeOperation> = {}): RecognizeOperation => ({
  id: 1,
  timestamp: '2026-05-21T10:30:00.000',
  nodeId: 'node-1',
  userId: 'A1B2',
  operationId: 'op-1',
  state: 'approved',
  result: true,
  authType: 'biom',
  ...overrides,
});

const makeAnswer = (overrides: Partial<UpstreamAnswer> = {}, operation: Partial<RecognizeOperation> = {}): UpstreamAnswer => ({
  approval: { id: 'op-1', userId: 'A1B2', expiresAt: EXPIRES_AT },
  operation: makeOperation(operation),
  receivedAtMs: DEADLINE - 1000,
  ...overrides,
});

describe(outcomeOfAnswer.name, () => {
  it('approves on result true with a decided state, keeping authType', () => {
    expect(outcomeOfAnswer(makeAnswer())).toEqual({ status: 'approved', authType: 'biom' });
    expect(outcomeOfAnswer(makeAnswer({}, { authType: undefined }))).toEqual({ status: 'approved' });
  });

  it.each(['approved', 'rejected', 'declined', ''])('rejects on state %j with result false', (state) => {
    expect(outcomeOfAnswer(makeAnswer({}, { state, result: false }))).toEqual({ status: 'rejected' });
  });

  it('never approves on result true while the state is pending: a contradictory answer is a fault', () => {
    expect(outcomeOfAnswer(makeAnswer({}, { state: 'pending', result: true }))).toMatchObject({ status: 'upstream-fault' });
  });

  it('stays pending on a pending answer before the deadline, and expires on one at or after it', () => {
    expect(outcomeOfAnswer(makeAnswer({}, { state: 'pending', result: false }))).toEqual({ status: 'pending' });
    expect(outcomeOfAnswer(makeAnswer({ receivedAtMs: DEADLINE }, { state: 'pending', result: false }))).toEqual({ status: 'expired' });
  });

  it('treats an answer about another operation as a fault, whatever it says', () => {
    expect(outcomeOfAnswer(makeAnswer({}, { operationId: 'op-2' }))).toMatchObject({
      status: 'upstream-fault',
      reason: expect.stringContaining('op-2'),
    });
    expect(outcomeOfAnswer(makeAnswer({}, { operationId: 'op-2', state: 'pending', result: false }))).toMatchObject({
      status: 'upstream-fault',
    });
  });

  it('treats an answer about another user as a fault, comparing hexadecimal case-insensitively', () => {
    expect(outcomeOfAnswer(makeAnswer({}, { userId: 'FFFF' }))).toMatchObject({ status: 'upstream-fault' });
    expect(outcomeOfAnswer(makeAnswer({}, { userId: 'a1b2' }))).toEqual({ status: 'approved', authType: 'biom' });
  });

  it('accepts an answer without a userId (the parser leaves it empty)', () => {
    expect(outcomeOfAnswer(makeAnswer({}, { userId: '' }))).toEqual({ status: 'approved', authType: 'biom' });
  });

  it('counts a decision whose answer arrived at or before expiresAt', () => {
    expect(outcomeOfAnswer(makeAnswer({ receivedAtMs: DEADLINE }))).toEqual({ status: 'approved', authType: 'biom' });
    expect(outcomeOfAnswer(makeAnswer({ receivedAtMs: DEADLINE }, { result: false }))).toEqual({ status: 'rejected' });
  });

  it('expires on a decision that arrived late when no telemetry dates the authentication', () => {
    expect(outcomeOfAnswer(makeAnswer({ receivedAtMs: DEADLINE + 1 }))).toEqual({ status: 'expired' });
    expect(outcomeOfAnswer(makeAnswer({ receivedAtMs: DEADLINE + 1 }, { result: false }))).toEqual({ status: 'expired' });
  });

  it('expires on a late decision that telemetry dates after expiresAt (the reviewed case: approved 1.3 s late)', () => {
    const answer = makeAnswer({ receivedAtMs: DEADLINE + 4000, authenticatedAt: '2026-05-21T10:35:01.300' });
    expect(outcomeOfAnswer(answer)).toEqual({ status: 'expired' });
    expect(outcomeOfAnswer({ ...answer, operation: makeOperation({ result: false }) })).toEqual({ status: 'expired' });
  });

  it('counts a late decision that telemetry dates at or before expiresAt', () => {
    expect(outcomeOfAnswer(makeAnswer({ receivedAtMs: DEADLINE + 4000, authenticatedAt: '2026-05-21T10:35:00.000' }))).toEqual({
      status: 'approved',
      authType: 'biom',
    });
    expect(
      outcomeOfAnswer(makeAnswer({ receivedAtMs: DEADLINE + 4000, authenticatedAt: '2026-05-21T10:34:58.000' }, { result: false })),
    ).toEqual({ status: 'rejected' });
  });

  it('expires on a late decision whose telemetry time cannot be read', () => {
    expect(outcomeOfAnswer(makeAnswer({ receivedAtMs: DEADLINE + 4000, authenticatedAt: 'yesterday' }))).toEqual({ status: 'expired' });
  });
});

describe(parseRecognizeTime.name, () => {
  it("reads Recognize's offset-less local times as UTC, and times with an offset as written", () => {
    expect(parseRecognizeTime('2025-05-21T10:34:00.000')).toBe(Date.parse('2025-05-21T10:34:00.000Z'));
    expect(parseRecognizeTime('2025-05-21T10:34:00')).toBe(Date.parse('2025-05-21T10:34:00Z'));
    expect(parseRecognizeTime('2025-05-21T12:34:00.000+02:00')).toBe(Date.parse('2025-05-21T10:34:00.000Z'));
    expect(parseRecognizeTime('2025-05-21T10:34:00.123456')).toBe(Date.parse('2025-05-21T10:34:00.123Z'));
  });

  it.each(['', 'yesterday', '2025-05-21', '1716287640000'])('gives NaN for %j', (value) => {
    expect(parseRecognizeTime(value)).toBeNaN();
  });
});

describe(expiresWithoutPolling.name, () => {
  it('expires without a poll only once telemetry can no longer date an authentication before the deadline', () => {
    expect(expiresWithoutPolling(EXPIRES_AT, DEADLINE + 10 * 60_000)).toBe(false);
    expect(expiresWithoutPolling(EXPIRES_AT, DEADLINE + 10 * 60_000 + 1)).toBe(true);
    expect(expiresWithoutPolling(EXPIRES_AT, DEADLINE - 1)).toBe(false);
  });
});
