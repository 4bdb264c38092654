import Redis, { RedisOptions, ReplyError } from 'ioredis';
import { isStorageUnavailable } from './storage-unavailable';
import { freePort } from '../../test/helpers/service-process';

/** The error ioredis rejects a command with when Redis is not there, under the given options. */
async function errorOfUnreachableRedis(options: RedisOptions): Promise<unknown> {
  const redis = new Redis({ host: '127.0.0.1', port: await freePort(), ...options });
  redis.on('error', () => undefined);
  try {
    return await redis.get('k').then(
      () => undefined,
      (err: unknown) => err,
    );
  } finally {
    redis.disconnect();
  }
}

describe('isStorageUnavailable', () => {
  it('recognises what ioredis rejects a command with when Redis is down', async () => {
    const retriesSpent = await errorOfUnreachableRedis({ maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    expect((retriesSpent as Error).name).toBe('MaxRetriesPerRequestError');
    expect(isStorageUnavailable(retriesSpent)).toBe(true);
    const closed = await errorOfUnreachableRedis({ maxRetriesPerRequest: 0, retryStrategy: () => null });
    expect(isStorageUnavailable(closed)).toBe(true);
  });

  it.each([
    'CLUSTERDOWN The cluster is down',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    "READONLY You can't write against a read only replica.",
    'MASTERDOWN Link with MASTER is down',
    'NOREPLICAS Not enough good replicas to write.',
    'LOADING Redis is loading the dataset in memory',
  ])('recognises the reply %s', (message) => {
    expect(isStorageUnavailable(new ReplyError(message))).toBe(true);
  });

  it('leaves a wrong command, a script error and our own bugs to be unhandled errors', () => {
    expect(
      isStorageUnavailable(new ReplyError('ERR Error running script (call to f_0123): user_script:1: attempt to index a nil value')),
    ).toBe(false);
    expect(isStorageUnavailable(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isStorageUnavailable(new ReplyError('NOSCRIPT No matching script.'))).toBe(false);
    expect(isStorageUnavailable(new TypeError("Cannot read properties of undefined (reading 'status')"))).toBe(false);
    expect(isStorageUnavailable(new Error('CLUSTERDOWN, but not a Redis reply'))).toBe(false);
    expect(isStorageUnavailable('Connection is closed.')).toBe(false);
    expect(isStorageUnavailable(undefined)).toBe(false);
  });
});
