import { FaultLoad, expectFaultContract } from '../helpers/fault-load';
import { PrivateRedis } from '../helpers/private-redis';

/**
 * kill -9 of the one Redis under load, restarted from its AOF 2 s later: hundreds of approvals in
 * flight, creations and decisions arriving during the outage. A Redis crash loses no acknowledged
 * write (the AOF is written before the reply), so nothing may be lost or decided twice.
 */
jest.setTimeout(process.env.SOAK === '1' ? 30 * 60_000 : 240_000);

describe('Redis kill -9 and restart from the AOF, under load', () => {
  const redis = new PrivateRedis();
  const load = new FaultLoad();

  beforeAll(async () => {
    await redis.start();
    await load.start({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await load.close();
    await redis.close();
  });

  it('keeps every 201 approval, decides each once, and is ready within 10 s of Redis being back', async () => {
    const figures = await load.run({
      begin: () => redis.kill(),
      recover: async () => {
        // The outage itself: Redis stays down while decisions arrive upstream.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await redis.start();
        return Date.now();
      },
    });
    expectFaultContract('Redis kill -9 + AOF restart', figures);
  });
});
