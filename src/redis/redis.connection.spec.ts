import { loadConfig } from '../config/config.loader';
import { bullConnection, redisOptions } from './redis.connection';

describe(redisOptions.name, () => {
  const config = loadConfig({ REDIS_SENTINELS: '127.0.0.1:26379,127.0.0.1:26380', REDIS_SENTINEL_NAME: 'stepup' });

  it("follows Sentinel's +switch-master on our connections and BullMQ's alike (default ioredis lost 209 of 388 writes)", () => {
    for (const sut of [redisOptions(config), bullConnection(config) as ReturnType<typeof redisOptions>]) {
      expect(sut).toMatchObject({
        sentinels: [
          { host: '127.0.0.1', port: 26379 },
          { host: '127.0.0.1', port: 26380 },
        ],
        name: 'stepup',
        failoverDetector: true,
      });
      expect(sut.sentinelRetryStrategy?.(50)).toBe(2000);
      expect(sut.reconnectOnError?.(new Error('READONLY You can not write against a read only replica.'))).toBe(2);
    }
  });

  it('leaves a single Redis at REDIS_URL without Sentinel options', () => {
    const sut = redisOptions(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6380/2' }));
    expect(sut).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2 });
    expect(sut.sentinels).toBeUndefined();
  });
});
