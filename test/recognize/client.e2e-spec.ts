import { randomUUID } from 'node:crypto';
import { Test, TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import { ConfigModule } from '../../src/config/config.module';
import { DEVELOPMENT_CLIENT, loadConfig } from '../../src/config/config.loader';
import { RecognizeClient } from '../../src/recognize/recognize.client';
import {
  RecognizeBadRequestError,
  RecognizeConflictError,
  RecognizeNotFoundError,
  RecognizeThrottledError,
  RecognizeUnavailableError,
} from '../../src/recognize/recognize.errors';
import { RecognizeModule } from '../../src/recognize/recognize.module';
import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import { ApiClient } from '../helpers/api-client';
import { eventually } from '../helpers/eventually';
import { ServiceProcess, ensureBuilt, freePort } from '../helpers/service-process';
import { SimulatorControl } from '../helpers/simulator-control';
import { deleteKeys, REDIS_URL } from '../helpers/test-app';

/** The token the service printed for the simulator it started. */
function controlToken(logs: string): string {
  return /this run made one\): ([\w-]+)/.exec(logs)?.[1] ?? '';
}

const API_KEY = 'e2e-recognize-key';

describe(RecognizeClient.name, () => {
  let simulator: RecognizeSimulator;
  let baseUrl: string;
  let control: SimulatorControl;
  let sut: RecognizeClient;
  let seq = 0;
  const nextOperationId = () => `client-e2e-${++seq}`;
  const USER = 'C0FFEE';

  beforeAll(async () => {
    simulator = new RecognizeSimulator({ apiKey: API_KEY });
    baseUrl = await simulator.listen();
    control = new SimulatorControl(baseUrl, simulator.controlToken);
    sut = new RecognizeClient({ baseUrl, apiKey: API_KEY, timeoutMs: 2000 });
  });
  afterEach(() => control.reset());
  afterAll(async () => {
    await sut.close();
    await simulator.close();
  });

  it('returns the operation without the customer apiKey upstream sends', async () => {
    const operationId = nextOperationId();
    await sut.createOperation({ userId: USER, operationId, operationPayload: 'Approve transfer' });
    await control.approve(operationId, 'biom');
    const operation = await sut.getOperation(operationId);
    expect(operation).toMatchObject({ operationId, userId: USER, state: 'approved', result: true, authType: 'biom' });
    expect(operation).not.toHaveProperty('apiKey');
    expect(JSON.stringify(operation)).not.toContain('CustomerApiKey');
  });

  it('reads a rejection reported as a non-pending state with result false', async () => {
    const operationId = nextOperationId();
    await sut.createOperation({ userId: USER, operationId });
    await control.reject(operationId, 'approved');
    await expect(sut.getOperation(operationId)).resolves.toMatchObject({ state: 'approved', result: false });
  });

  it('maps 500 to unavailable with the status', async () => {
    await control.fault({ status: 500, times: 1, route: 'get' });
    await expect(sut.getOperation('x')).rejects.toEqual(expect.objectContaining({ reason: 'status', upstreamStatus: 500 }));
  });

  it('maps 429 to throttled with Retry-After in delta-seconds', async () => {
    await control.fault({ status: 429, retryAfter: '4', times: 1 });
    const error = await sut.getOperation('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecognizeThrottledError);
    expect(error).toMatchObject({ retryAfterMs: 4000 });
  });

  it('maps 429 with an HTTP-date Retry-After to a bounded wait', async () => {
    await control.fault({ status: 429, retryAfter: new Date(Date.now() + 60_000).toUTCString(), times: 1 });
    const error = (await sut.getOperation('x').catch((e: unknown) => e)) as RecognizeThrottledError;
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('maps a 200 with a broken body to malformed', async () => {
    await control.fault({ malformed: true, times: 1, route: 'get' });
    await expect(sut.getOperation('x')).rejects.toMatchObject({ reason: 'malformed' });
  });

  it('maps an answer slower than the timeout to timeout', async () => {
    const impatient = new RecognizeClient({ baseUrl, apiKey: API_KEY, timeoutMs: 100 });
    await control.fault({ delayMs: 30_000, times: 1 });
    await expect(impatient.getOperation('x')).rejects.toMatchObject({ reason: 'timeout' });
    await impatient.close();
  });

  it('maps a refused key to unavailable (unauthorized), without the key in the message', async () => {
    const wrong = new RecognizeClient({ baseUrl, apiKey: 'not-the-key', timeoutMs: 2000 });
    const error = (await wrong.listPendingOperations(USER).catch((e: unknown) => e)) as RecognizeUnavailableError;
    expect(error).toBeInstanceOf(RecognizeUnavailableError);
    expect(error.reason).toBe('unauthorized');
    expect(error.message).not.toContain('not-the-key');
    await wrong.close();
  });

  it('maps an unknown user to not found', async () => {
    await expect(sut.createOperation({ userId: 'DEAD0001', operationId: nextOperationId() })).rejects.toBeInstanceOf(
      RecognizeNotFoundError,
    );
  });

  it('maps a vanished operation to not found', async () => {
    const operationId = nextOperationId();
    await sut.createOperation({ userId: USER, operationId });
    await control.vanish(operationId);
    await expect(sut.getOperation(operationId)).rejects.toBeInstanceOf(RecognizeNotFoundError);
  });

  it('maps a duplicate operationId to conflict', async () => {
    const operationId = nextOperationId();
    await sut.createOperation({ userId: USER, operationId });
    await expect(sut.createOperation({ userId: USER, operationId })).rejects.toBeInstanceOf(RecognizeConflictError);
  });

  it('maps a user id that is not upper-case hex to bad request', async () => {
    await expect(sut.createOperation({ userId: 'c0ffee', operationId: nextOperationId() })).rejects.toBeInstanceOf(
      RecognizeBadRequestError,
    );
  });

  it('is answered 415 by the simulator for a body that is not JSON', async () => {
    const response = await fetch(`${baseUrl}/users/${USER}/operations`, {
      method: 'POST',
      headers: { 'X-Api-Key': API_KEY, 'Content-Type': 'text/plain' },
      body: JSON.stringify({ operationId: nextOperationId() }),
    });
    expect(response.status).toBe(415);
  });

  it('maps 415 to bad request', async () => {
    await control.fault({ status: 415, times: 1, route: 'create' });
    await expect(sut.createOperation({ userId: USER, operationId: nextOperationId() })).rejects.toBeInstanceOf(RecognizeBadRequestError);
  });

  it('maps a refused connection to connection', async () => {
    const other = new RecognizeSimulator({ apiKey: API_KEY });
    const url = await other.listen();
    await other.close();
    const client = new RecognizeClient({ baseUrl: url, apiKey: API_KEY, timeoutMs: 2000 });
    await expect(client.getOperation('x')).rejects.toMatchObject({ reason: 'connection' });
    await client.close();
  });

  describe(RecognizeModule.name, () => {
    let moduleRef: TestingModule | undefined;

    afterEach(async () => {
      await moduleRef?.close();
      moduleRef = undefined;
    });

    it('points the client at RECOGNIZE_BASE_URL', async () => {
      const config = loadConfig({ NODE_ENV: 'test', RECOGNIZE_BASE_URL: baseUrl, RECOGNIZE_API_KEY: API_KEY });
      moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), RecognizeModule] }).compile();
      await moduleRef.init();
      const operationId = nextOperationId();
      await moduleRef.get(RecognizeClient).createOperation({ userId: USER, operationId });
      expect(simulator.operation(operationId)).toMatchObject({ state: 'pending' });
    });

    it('closes the client’s connections when the application shuts down', async () => {
      const config = loadConfig({ NODE_ENV: 'test', RECOGNIZE_BASE_URL: baseUrl, RECOGNIZE_API_KEY: API_KEY });
      moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), RecognizeModule] }).compile();
      await moduleRef.init();
      const client = moduleRef.get(RecognizeClient);
      await expect(client.listPendingOperations(USER)).resolves.toEqual(expect.any(Array));
      await moduleRef.close();
      // The simulator is still up: only a closed client fails this call.
      await expect(client.listPendingOperations(USER)).rejects.toMatchObject({ reason: 'connection' });
    });

    it('starts no simulator of its own: without a base URL it refuses to build the client', async () => {
      const config = loadConfig({ NODE_ENV: 'test' });
      await expect(Test.createTestingModule({ imports: [ConfigModule.forRoot(config), RecognizeModule] }).compile()).rejects.toThrow(
        /RECOGNIZE_BASE_URL/,
      );
    });
  });

  describe('node dist/main.js without RECOGNIZE_BASE_URL', () => {
    const prefix = `t-${randomUUID().slice(0, 8)}`;
    let service: ServiceProcess;
    let simulatorPort: number;

    beforeAll(async () => {
      ensureBuilt();
      simulatorPort = await freePort();
      service = new ServiceProcess(await freePort(), {
        NODE_ENV: 'development',
        REDIS_URL,
        REDIS_PREFIX: prefix,
        SIMULATOR_PORT: String(simulatorPort),
        LOG_PRETTY: 'false',
      });
      await service.start();
    }, 90_000);
    afterAll(async () => {
      await service?.stop();
      const redis = new Redis(REDIS_URL);
      await deleteKeys(redis, prefix);
      await redis.quit();
    });

    it('starts the bundled simulator on loopback, says so loudly, and prints the control token it made', () => {
      expect(service.logs).toContain('BUNDLED RECOGNIZE SIMULATOR');
      expect(service.logs).toContain(`http://127.0.0.1:${simulatorPort}/v2`);
      expect(controlToken(service.logs)).toMatch(/^[\w-]{16,}$/);
    });

    it('guards the control API with that token, and the demo phone approves through it', async () => {
      const control = `http://127.0.0.1:${simulatorPort}/_sim`;
      expect((await fetch(`${control}/stats`)).status).toBe(401);
      expect((await fetch(`${control}/stats`, { headers: { Authorization: `Bearer ${controlToken(service.logs)}` } })).status).toBe(200);

      const api = new ApiClient(service.url, DEVELOPMENT_CLIENT.apiKey);
      const approval = (await api.create({ userId: USER, message: 'Wire $1 to account 1' })).body;
      const phone = await new ApiClient(service.url).request('POST', `/demo/phone/operations/${approval.id}/approve`, {});
      expect(phone.status).toBe(200);
      await eventually(async () => (await api.get(approval.id)).body.status === 'approved', 'the approval to be approved');
    });
  });
});
