import { ApprovalsService } from '../approvals/approvals.service';
import { AuthenticationDetailsService } from './authentication-details.service';
import { AppConfig } from '../config/app.config';
import { RecognizeClient } from '../recognize/recognize.client';
import { RecognizeNotFoundError, RecognizeThrottledError, RecognizeUnavailableError } from '../recognize/recognize.errors';
import { RecognizeOperation } from '../recognize/recognize.types';
import { FakeApprovalsStore, makeApproval } from '../../test/unit/fake-approvals-store';
import { strictMock } from '../../test/unit/strict-mock';
import { PollHandler } from './poll.handler';

const config = { polling: { intervalMs: 1000 } } as AppConfig;
const authentication = {
  result: 'SUCCESS',
  errorCode: 0,
  createdAt: '2026-01-01T00:04:59.000',
  authType: 'biom' as const,
  deviceId: 'device-1',
};
const operation = (overrides: Partial<RecognizeOperation>): RecognizeOperation => ({
  id: 1,
  timestamp: '',
  nodeId: '',
  userId: 'A1B2C3D4E5F6',
  operationId: 'op-1',
  state: 'pending',
  result: false,
  ...overrides,
});

describe(PollHandler.name, () => {
  let store: FakeApprovalsStore;
  let approvals: jest.Mocked<ApprovalsService>;
  let recognize: jest.Mocked<RecognizeClient>;
  let authentications: jest.Mocked<AuthenticationDetailsService>;
  let sut: PollHandler;

  beforeEach(async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    store = new FakeApprovalsStore();
    await store.create(makeApproval({ expiresAt: '2026-01-01T00:05:00.000Z' }), {
      id: 'evt_1',
      type: 'approval.pending',
      createdAt: '',
      data: {} as never,
    });
    approvals = strictMock<ApprovalsService>(
      {
        finish: async (id: string, status: string, details = {}) => ({ ...(await store.get(id)), ...details, status }),
        get: (id: string) => store.get(id),
        announceDecisionAgain: async () => undefined,
      },
      'approvals',
    );
    recognize = strictMock<RecognizeClient>({}, 'recognize');
    authentications = strictMock<AuthenticationDetailsService>({ lookup: async () => undefined }, 'authentications');
    sut = new PollHandler(approvals, recognize, authentications, config);
  });
  afterEach(() => jest.useRealTimers());

  const poll = (answer: () => Promise<RecognizeOperation>) => {
    (recognize as unknown as { getOperation: jest.Mock }).getOperation = jest.fn(answer);
    return sut.handle({ approvalId: 'op-1' });
  };

  it('ends approved with the authType, the authentication details looked up before the decision is stored', async () => {
    authentications.lookup.mockResolvedValue(authentication);
    expect(await poll(async () => operation({ state: 'approved', result: true, authType: 'pin' }))).toEqual({
      kind: 'done',
      status: 'approved',
    });
    expect(approvals.finish).toHaveBeenCalledWith('op-1', 'approved', { authType: 'pin', authentication });
    expect(authentications.lookup.mock.invocationCallOrder[0]).toBeLessThan(approvals.finish.mock.invocationCallOrder[0]);
  });

  it('still approves an answer that arrived in time when telemetry has nothing (or failed)', async () => {
    expect(await poll(async () => operation({ state: 'approved', result: true }))).toEqual({ kind: 'done', status: 'approved' });
    expect(approvals.finish).toHaveBeenCalledWith('op-1', 'approved', {});
  });

  it('never approves on result true while the state is pending: backs off as for a fault', async () => {
    const result = await poll(async () => operation({ state: 'pending', result: true }));
    expect(result).toMatchObject({ kind: 'again', data: { failures: 1 } });
    expect(approvals.finish).not.toHaveBeenCalled();
  });

  it.each([
    ['operation', { operationId: 'op-2' }],
    ['user', { userId: 'FFFF' }],
  ])('never decides on an answer about another %s: retried with backoff like an outage', async (_what, overrides) => {
    const result = await poll(async () => operation({ state: 'approved', result: true, ...overrides }));
    expect(result).toMatchObject({ kind: 'again', data: { approvalId: 'op-1', failures: 1 } });
    expect(approvals.finish).not.toHaveBeenCalled();
  });

  it('expires on a decision reported after expiresAt that telemetry dates after it', async () => {
    jest.setSystemTime(new Date('2026-01-01T00:05:04.000Z'));
    authentications.lookup.mockResolvedValue({ ...authentication, createdAt: '2026-01-01T00:05:01.300' });
    expect(await poll(async () => operation({ state: 'approved', result: true }))).toEqual({ kind: 'done', status: 'expired' });
    expect(approvals.finish).toHaveBeenCalledWith('op-1', 'expired', {});
  });

  it('expires on a decision reported after expiresAt without telemetry', async () => {
    jest.setSystemTime(new Date('2026-01-01T00:05:04.000Z'));
    expect(await poll(async () => operation({ state: 'rejected', result: false }))).toEqual({ kind: 'done', status: 'expired' });
  });

  it('counts a decision reported after expiresAt that telemetry dates in time, with the details', async () => {
    jest.setSystemTime(new Date('2026-01-01T00:05:04.000Z'));
    authentications.lookup.mockResolvedValue(authentication);
    expect(await poll(async () => operation({ state: 'approved', result: true }))).toEqual({ kind: 'done', status: 'approved' });
    expect(approvals.finish).toHaveBeenCalledWith('op-1', 'approved', { authType: 'biom', authentication });
  });

  it('expires an approval long past its deadline without asking Recognize (after a crash or a restore)', async () => {
    jest.setSystemTime(new Date('2026-01-01T00:15:00.001Z'));
    expect(await poll(async () => Promise.reject(new Error('must not be asked')))).toEqual({ kind: 'done', status: 'expired' });
    expect(recognize.getOperation).not.toHaveBeenCalled();
  });

  it('ends rejected when upstream decided against it', async () => {
    expect(await poll(async () => operation({ state: 'rejected', result: false }))).toEqual({ kind: 'done', status: 'rejected' });
  });

  it('ends failed when the operation vanished upstream', async () => {
    expect(await poll(async () => Promise.reject(new RecognizeNotFoundError('gone', 404)))).toEqual({ kind: 'done', status: 'failed' });
  });

  it('polls a pending operation again about one interval later', async () => {
    const result = await poll(async () => operation({}));
    expect(result).toMatchObject({ kind: 'again', data: { approvalId: 'op-1' } });
    const delay = (result as { atMs: number }).atMs - Date.now();
    expect(delay).toBeGreaterThanOrEqual(900);
    expect(delay).toBeLessThanOrEqual(1100);
  });

  it('waits for Retry-After when throttled, without ending the approval', async () => {
    const result = await poll(async () => Promise.reject(new RecognizeThrottledError('slow down', 20_000)));
    expect(result.kind).toBe('again');
    expect((result as { atMs: number }).atMs - Date.now()).toBeGreaterThanOrEqual(20_000);
    expect(approvals.finish).not.toHaveBeenCalled();
  });

  it('counts consecutive failures while upstream is unavailable, and resets them after an answer', async () => {
    const failed = await poll(async () => Promise.reject(new RecognizeUnavailableError('down', 'status', 503)));
    expect(failed).toMatchObject({ kind: 'again', data: { failures: 1 } });
    recognize.getOperation = jest.fn(async (_id: string) => operation({})) as never;
    const again = await sut.handle({ approvalId: 'op-1', failures: 4 });
    expect(again).toMatchObject({ kind: 'again', data: { approvalId: 'op-1' } });
    expect((again as { data: { failures?: number } }).data.failures).toBeUndefined();
  });

  it('never schedules a poll past the deadline', async () => {
    jest.setSystemTime(new Date('2026-01-01T00:04:59.800Z'));
    const result = await poll(async () => operation({}));
    expect((result as { atMs: number }).atMs).toBe(Date.parse('2026-01-01T00:05:00.000Z'));
  });

  it('expires the approval when the poll at the deadline still finds it pending', async () => {
    jest.setSystemTime(new Date('2026-01-01T00:05:00.000Z'));
    expect(await poll(async () => operation({}))).toEqual({ kind: 'done', status: 'expired' });
  });

  it('expires at the deadline even when upstream is failing then', async () => {
    jest.setSystemTime(new Date('2026-01-01T00:05:00.000Z'));
    expect(await poll(async () => Promise.reject(new RecognizeUnavailableError('down', 'timeout')))).toEqual({
      kind: 'done',
      status: 'expired',
    });
  });

  it('does not poll a terminal approval; it announces its decision again', async () => {
    await approvals.finish('op-1', 'cancelled');
    store.records.set('op-1', { ...(await store.get('op-1'))!, status: 'cancelled' });
    expect(await sut.handle({ approvalId: 'op-1' })).toEqual({ kind: 'done', status: 'cancelled' });
    expect(approvals.announceDecisionAgain).toHaveBeenCalledWith('op-1');
  });

  it('finishes quietly when the approval no longer exists', async () => {
    expect(await sut.handle({ approvalId: 'unknown' })).toEqual({ kind: 'done', status: 'gone' });
  });
});
