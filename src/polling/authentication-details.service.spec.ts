import { RecognizeClient } from '../recognize/recognize.client';
import { RecognizeUnavailableError } from '../recognize/recognize.errors';
import { RecognizeAuthentication } from '../recognize/recognize.types';
import { strictMock } from '../../test/unit/strict-mock';
import { AuthenticationDetailsService } from './authentication-details.service';

const approval = { id: 'op-1', userId: 'A1B2' };
const makeAuthentication = (overrides: Partial<RecognizeAuthentication> = {}): RecognizeAuthentication => ({
  createdAt: '2026-01-01T00:00:10.000',
  result: 'APPROVED',
  errorCode: 0,
  operationId: 'op-1',
  authType: 'biom',
  deviceId: 'device-1',
  ...overrides,
});

describe(AuthenticationDetailsService.name, () => {
  let recognize: jest.Mocked<RecognizeClient>;
  let sut: AuthenticationDetailsService;

  const answer = (authentications: RecognizeAuthentication[] | Promise<RecognizeAuthentication[]>) => {
    recognize = strictMock<RecognizeClient>({ getUserAuthentications: () => authentications }, 'recognize');
    sut = new AuthenticationDetailsService(recognize);
  };
  afterEach(() => jest.useRealTimers());

  it("returns the operation's authentication, asking telemetry about this user and operation", async () => {
    answer([makeAuthentication()]);
    expect(await sut.lookup(approval)).toEqual({
      result: 'APPROVED',
      errorCode: 0,
      createdAt: '2026-01-01T00:00:10.000Z',
      authType: 'biom',
      deviceId: 'device-1',
    });
    expect(recognize.getUserAuthentications).toHaveBeenCalledWith('A1B2', 'op-1');
  });

  it('never matches an entry without an operationId, nor one about another operation', async () => {
    answer([makeAuthentication({ operationId: undefined }), makeAuthentication({ operationId: 'op-2' })]);
    expect(await sut.lookup(approval)).toBeUndefined();
  });

  it('takes the last entry of the operation when telemetry has several', async () => {
    answer([
      makeAuthentication({ createdAt: '2026-01-01T00:00:01.000' }),
      makeAuthentication({ operationId: undefined, createdAt: '2026-01-01T00:00:30.000' }),
    ]);
    expect((await sut.lookup(approval))?.createdAt).toBe('2026-01-01T00:00:01.000Z');
  });

  it('yields nothing when telemetry fails', async () => {
    answer(Promise.reject(new RecognizeUnavailableError('down', 'status', 503)));
    expect(await sut.lookup(approval)).toBeUndefined();
  });

  it('yields nothing when telemetry does not answer within its short timeout, so a decision is not held back', async () => {
    jest.useFakeTimers();
    answer(new Promise<RecognizeAuthentication[]>(() => undefined));
    const looked = sut.lookup(approval);
    await jest.advanceTimersByTimeAsync(2000);
    expect(await looked).toBeUndefined();
  });
});
