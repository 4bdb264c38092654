import { loadConfigOrExit } from '../config/config.loader';
import { createRedisConnection } from '../redis/redis.connection';
import { RedisKeys } from '../redis/redis.keys';
import { EventsTokenService } from './events-token.service';

/**
 * `node dist/events/rotate-events-token-key.js`: makes a new eventsUrl signing key current for every
 * instance on this REDIS_URL and REDIS_PREFIX (read from the environment like the service). Tokens
 * signed with the previous key keep working until they expire.
 */
async function rotate(): Promise<void> {
  const config = loadConfigOrExit();
  const redis = createRedisConnection(config);
  try {
    const tokens = new EventsTokenService(redis, new RedisKeys(config.redis.prefix), config);
    await tokens.onModuleInit();
    const kid = await tokens.rotate();
    tokens.onApplicationShutdown();
    process.stdout.write(`eventsUrl tokens are now signed with key ${kid}\n`);
  } finally {
    await redis.quit();
  }
}

void rotate().catch((err: Error) => {
  process.stderr.write(`Rotation failed: ${err.message}\n`);
  process.exit(1);
});
