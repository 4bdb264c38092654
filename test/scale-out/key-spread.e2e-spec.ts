import Redis from 'ioredis';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { testRedisMasters, testRedisMode } from '../helpers/test-redis';

const APPROVALS = 1000;
const IN_FLIGHT = 20;

/** Keys on one master whose names match `pattern`. */
async function count(master: Redis, pattern: string): Promise<number> {
  let found = 0;
  let cursor = '0';
  do {
    const [next, keys] = await master.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found += keys.length;
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/**
 * Sharding spreads the approvals' data over the masters (issue 21, "keys spread over the three masters
 * within 1.3x of even after 1,000 approvals"): on the run's 3-master cluster with the default 16 shards,
 * every master holds between 1/1.3 and 1.3 times its even share of the shards' keys. The client-scoped
 * keys (per-user and per-client limits, one hash tag per client) and BullMQ's (one tag) are printed
 * beside them: they sit on one master per client by design. Only meaningful on a cluster:
 * `npm run test:cluster`.
 */
(testRedisMode() === 'cluster' ? describe : describe.skip)('Keys spread over the cluster masters', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      // Pending approvals are polled; this test counts keys, so polls may be rare.
      POLL_INTERVAL_MS: '10000',
      RATE_LIMIT_CREATES: '1000000',
      RATE_LIMIT_REQUESTS: '1000000',
    });
  });
  afterAll(() => t.close());

  it(`holds every master within 1.3x of an even share of the shards' keys after ${APPROVALS} approvals`, async () => {
    const apps = [t.api(BANK_APP.apiKey), t.api(OTHER_APP.apiKey)];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = next++; i < APPROVALS; i = next++) {
          const res = await apps[i % apps.length].create({ userId: newUserId(), message: `Approve payment #${i}` });
          expect(res.status).toBe(201);
        }
      }),
    );

    const masters = await testRedisMasters(t.redis);
    expect(masters).toHaveLength(3);
    const rows = await Promise.all(
      masters.map(async (master) => ({
        master: master.options.port,
        shards: await count(master, `{${t.prefix}:s*`),
        clients: await count(master, `{${t.prefix}:c:*`),
        queues: await count(master, `{${t.prefix}}*`),
        global: await count(master, `${t.prefix}:*`),
      })),
    );
    const sharded = rows.map((r) => r.shards);
    const even = sharded.reduce((a, b) => a + b, 0) / masters.length;
    console.log(
      `keys per master after ${APPROVALS} approvals (${t.keys.shards.count} shards; busiest/least busy of the shards' keys ` +
        `${(Math.max(...sharded) / Math.min(...sharded)).toFixed(2)}):\n` +
        rows.map((r) => JSON.stringify(r)).join('\n'),
    );
    expect(Math.max(...sharded)).toBeLessThanOrEqual(1.3 * even);
    expect(Math.min(...sharded)).toBeGreaterThanOrEqual(even / 1.3);
  });
});
