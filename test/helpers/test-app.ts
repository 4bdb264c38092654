import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis, { Cluster, RedisOptions } from 'ioredis';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig } from '../../src/config/app.config';
import { loadConfig } from '../../src/config/config.loader';
import { queuePrefix } from '../../src/redis/redis.connection';
import { RedisKeys } from '../../src/redis/redis.keys';
import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import { SIMULATOR_DEFAULT_API_KEY } from '../../simulator/main';
import { ApiClient } from './api-client';
import { BANK_APP, TEST_CLIENTS } from './clients';
import { EventWatcher } from './event-watcher';
import { SimulatorControl } from './simulator-control';
import { REDIS_URL, deleteKeys, testBullConnection, testRedisClient, testRedisEnv } from './test-redis';

export { REDIS_URL, deleteKeys };

export interface TestApp {
  app: INestApplication;
  url: string;
  config: AppConfig;
  prefix: string;
  sim: SimulatorControl;
  simulatorBaseUrl: string;
  /** The simulator's control token: the one this helper's simulator made, or SIMULATOR_CONTROL_TOKEN as given. */
  simulatorToken: string;
  api: (apiKey: string) => ApiClient;
  events: EventWatcher;
  /** A client of the Redis the app uses (a Cluster client on a cluster): test/helpers/test-redis.ts. */
  redis: Redis;
  /** The app's own key names: an approval's keys are in its shard, so only these name them right. */
  keys: RedisKeys;
  /** For a test's own BullMQ Queue or QueueEvents on the app's queues (closed by close()). */
  bull: {
    connection: RedisOptions | Cluster;
    /** BullMQ's prefix of the app's unsharded queues (poll, maintenance). */
    prefix: string;
    /** BullMQ's prefix of each shard's queue of a sharded queue (delivery), shard k at index k. */
    shardPrefixes: string[];
  };
  close(): Promise<void>;
}

/**
 * Starts the real application on a fresh Redis prefix with the bundled simulator as Recognize,
 * as main.ts does when RECOGNIZE_BASE_URL is unset (the demo's phone drives it over its control
 * API), and listens on an ephemeral port. With RECOGNIZE_BASE_URL in `env`, no simulator starts.
 */
export async function startTestApp(env: Record<string, string> = {}, prefix = `t-${randomUUID().slice(0, 8)}`): Promise<TestApp> {
  // Accepts the key the service will send, as main.ts's simulator does.
  const apiKey = env.RECOGNIZE_API_KEY ?? SIMULATOR_DEFAULT_API_KEY;
  const simulator = env.RECOGNIZE_BASE_URL ? undefined : new RecognizeSimulator({ apiKey, enrollment: 'open' });
  const simulatorBaseUrl = simulator ? await simulator.listen(0, '127.0.0.1') : env.RECOGNIZE_BASE_URL;
  const simulatorToken = simulator?.controlToken ?? env.SIMULATOR_CONTROL_TOKEN ?? '';
  const bundled: Record<string, string> = simulator
    ? {
        RECOGNIZE_BASE_URL: simulatorBaseUrl,
        RECOGNIZE_API_KEY: apiKey,
        SIMULATOR_CONTROL_URL: `${new URL(simulatorBaseUrl).origin}/_sim`,
        SIMULATOR_CONTROL_TOKEN: simulatorToken,
        // What the launcher sets for the bundled simulator.
        RECOGNIZE_JWKS_URL: simulator.jwksUrl(),
      }
    : {};
  const config = loadConfig({
    NODE_ENV: 'test',
    ...testRedisEnv(),
    REDIS_PREFIX: prefix,
    POLL_INTERVAL_MS: '100',
    CLIENTS: JSON.stringify(TEST_CLIENTS),
    ...bundled,
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = configureApp(moduleRef.createNestApplication({ bodyParser: false, logger: ['error', 'warn'] }));
  // A fixed PORT when the test must know its URL before the start (OIDC_ISSUER is the service's own origin).
  await app.listen(Number(env.PORT ?? 0), '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const redis = testRedisClient();
  const keys = app.get(RedisKeys);
  const events = EventWatcher.of(keys);
  const bull = {
    connection: testBullConnection(),
    prefix: queuePrefix(config),
    shardPrefixes: keys.shards.all.map((shard) => keys.shards.prefixOf(shard)),
  };
  return {
    app,
    url,
    config,
    prefix,
    sim: new SimulatorControl(simulatorBaseUrl, simulatorToken),
    simulatorBaseUrl,
    simulatorToken,
    api: (apiKey: string) => new ApiClient(url, apiKey),
    events,
    redis,
    keys,
    bull,
    async close() {
      events.close();
      await app.close();
      await simulator?.close();
      if (bull.connection instanceof Cluster) await bull.connection.quit();
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/** A user id no other test uses, enrolled in the simulator's open enrollment. */
export function newUserId(): string {
  return randomUUID().replace(/-/g, '').toUpperCase().slice(0, 16).replace(/^DEAD/, 'BEEF');
}

/**
 * The preamble most e2e files share: one app for the file (a fresh prefix, the bundled simulator),
 * started before its tests and closed after them, the bank app's API client, and the simulator's
 * faults cleared after each test. Read `app.t` and `app.bank` in hooks and tests, once beforeAll ran.
 */
export function useTestApp(env: Record<string, string> = {}): { t: TestApp; bank: ApiClient } {
  const app = {} as { t: TestApp; bank: ApiClient };
  beforeAll(async () => {
    app.t = await startTestApp(env);
    app.bank = app.t.api(BANK_APP.apiKey);
  });
  afterEach(() => app.t.sim.clearFaults());
  afterAll(() => app.t.close());
  return app;
}
