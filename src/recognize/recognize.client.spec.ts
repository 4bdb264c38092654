import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import type { RecognizeObservation } from '../metrics/metrics.service';
import { RecognizeClient } from './recognize.client';
import {
  RecognizeBadRequestError,
  RecognizeConflictError,
  RecognizeNotFoundError,
  RecognizeThrottledError,
  RecognizeUnavailableError,
} from './recognize.errors';

const API_KEY = 'unit-secret-key';

describe(RecognizeClient.name, () => {
  let simulator: RecognizeSimulator;
  let baseUrl: string;
  let sut: RecognizeClient;
  let observations: RecognizeObservation[];
  let seq = 0;
  const nextOperationId = () => `unit-op-${++seq}`;

  beforeAll(async () => {
    simulator = new RecognizeSimulator({ apiKey: API_KEY });
    baseUrl = await simulator.listen();
  });
  beforeEach(() => {
    observations = [];
    sut = new RecognizeClient({ baseUrl, apiKey: API_KEY, timeoutMs: 5000, observer: (o) => observations.push(o) });
  });
  afterEach(async () => {
    await sut.close();
    simulator.reset();
  });
  afterAll(() => simulator.close());

  describe('status table', () => {
    it.each([
      [400, RecognizeBadRequestError],
      [406, RecognizeBadRequestError],
      [415, RecognizeBadRequestError],
      [404, RecognizeNotFoundError],
      [409, RecognizeConflictError],
      [429, RecognizeThrottledError],
      [401, RecognizeUnavailableError],
      [500, RecognizeUnavailableError],
      [503, RecognizeUnavailableError],
      [302, RecognizeUnavailableError],
      [418, RecognizeUnavailableError],
    ])('maps %i to %p', async (status, type) => {
      simulator.setFault({ status, times: 1 });
      const error = await sut.getOperation('any').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ upstreamStatus: status });
    });

    it('reads 401 as an unauthorized upstream, not the caller’s problem', async () => {
      simulator.setFault({ status: 401, times: 1 });
      await expect(sut.listPendingOperations('A1')).rejects.toMatchObject({ reason: 'unauthorized' });
    });

    it('carries Retry-After of a 429 as retryAfterMs', async () => {
      simulator.setFault({ status: 429, retryAfter: '3', times: 1 });
      await expect(sut.getOperation('any')).rejects.toMatchObject({ retryAfterMs: 3000 });
    });

    it('carries Retry-After of a 503 as retryAfterMs', async () => {
      simulator.setFault({ status: 503, retryAfter: '2', times: 1 });
      await expect(sut.getOperation('any')).rejects.toMatchObject({ reason: 'status', retryAfterMs: 2000 });
    });

    it('turns a 200 with a broken body into malformed', async () => {
      simulator.setFault({ malformed: true, times: 1 });
      await expect(sut.listPendingOperations('A1')).rejects.toMatchObject({ reason: 'malformed', upstreamStatus: 200 });
    });

    it('never puts the API key in an error message', async () => {
      simulator.setFault({ status: 500, times: 1 });
      const error = (await sut.getOperation('op-x').catch((e: unknown) => e)) as Error;
      expect(error.message).toBe('GET /operations/op-x: upstream answered 500');
      expect(JSON.stringify(error)).not.toContain(API_KEY);
    });
  });

  describe('transport', () => {
    it('maps a refused connection to connection', async () => {
      const closed = new RecognizeSimulator({ apiKey: API_KEY });
      const url = await closed.listen();
      await closed.close();
      const client = new RecognizeClient({ baseUrl: url, apiKey: API_KEY, timeoutMs: 5000 });
      const error = await client.getOperation('any').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecognizeUnavailableError);
      expect(error).toMatchObject({ reason: 'connection', message: expect.stringMatching(/^GET \/operations\/any: connection failed/) });
      await client.close();
    });

    it('maps a slow answer to timeout', async () => {
      const client = new RecognizeClient({ baseUrl, apiKey: API_KEY, timeoutMs: 50 });
      simulator.setFault({ delayMs: 60_000, times: 1 });
      await expect(client.getOperation('any')).rejects.toMatchObject({ reason: 'timeout' });
      await client.close();
    });
  });

  describe('operations', () => {
    it('creates an operation and reads it back without the customer apiKey', async () => {
      const operationId = nextOperationId();
      await sut.createOperation({ userId: 'A1B2', operationId, externalUserId: 'x@y.z', operationPayload: 'Pay' });
      const operation = await sut.getOperation(operationId);
      expect(operation).toEqual({
        id: expect.any(Number),
        timestamp: expect.any(String),
        nodeId: expect.any(String),
        userId: 'A1B2',
        operationId,
        externalUserId: 'x@y.z',
        operationPayload: 'Pay',
        state: 'pending',
        result: false,
      });
      expect(operation).not.toHaveProperty('apiKey');
    });

    it('url-encodes path segments', async () => {
      const operationId = 'weird/id?#%';
      await sut.createOperation({ userId: 'A1', operationId });
      await expect(sut.getOperation(operationId)).resolves.toMatchObject({ operationId });
    });

    it('lists pending operations and flattens authentications', async () => {
      const [first, second] = [nextOperationId(), nextOperationId()];
      await sut.createOperation({ userId: 'C1', operationId: first, externalUserId: 'ext-c1' });
      await sut.createOperation({ userId: 'C1', operationId: second, externalUserId: 'ext-c1' });
      simulator.approve(first, { authType: 'pin' });
      expect(await sut.listPendingOperations('C1')).toEqual([{ operationId: second, externalUserId: 'ext-c1' }]);
      expect(await sut.getUserAuthentications('C1', first)).toEqual([
        {
          createdAt: expect.any(String),
          result: 'APPROVED',
          errorCode: 0,
          operationId: first,
          deviceId: expect.any(String),
          authType: 'pin',
        },
      ]);
      simulator.reject(second);
      expect((await sut.getExternalUserAuthentications('ext-c1')).map((a) => a.result)).toEqual(['APPROVED', 'REJECTED']);
      expect(await sut.getExternalUserAuthentications('ext-c1', 'other')).toEqual([]);
    });
  });

  describe('observer', () => {
    it('is told once per request, with route template, status and outcome', async () => {
      simulator.setFault({ status: 503, times: 1 });
      await sut.getOperation('a').catch(() => undefined);
      await sut.getOperation('b').catch(() => undefined);
      expect(observations).toEqual([
        { route: '/operations/{operationId}', status: 503, outcome: 'upstream_error', durationMs: expect.any(Number) },
        { route: '/operations/{operationId}', status: 404, outcome: 'not_found', durationMs: expect.any(Number) },
      ]);
    });

    it('cannot break a call by throwing', async () => {
      const client = new RecognizeClient({
        baseUrl,
        apiKey: API_KEY,
        timeoutMs: 5000,
        observer: () => {
          throw new Error('boom');
        },
      });
      await expect(client.listPendingOperations('A1')).resolves.toEqual([]);
      await client.close();
    });
  });
});
