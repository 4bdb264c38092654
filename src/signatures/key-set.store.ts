import Redis from 'ioredis';
import { JSONWebKeySet } from 'jose';
import { RedisKeys } from '../redis/redis.keys';
import { RedisScript, defineScript } from '../redis/redis-script';
import { KeySetSnapshot, KeySetStore } from './recognize-key-set';

/**
 * Recognize's key set shared by every instance on one Redis: the last set any of them fetched, and
 * the claim that spaces fetches (SET NX PX), so that instances meeting a new kid together ask
 * Recognize once and take the others' result instead of fetching it themselves.
 */
export class RedisKeySetStore implements KeySetStore {
  private readonly writeKeySet: RedisScript<[string, number, number], number>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    /** The shared set expires with the age at which no instance would use it any more. */
    private readonly ttlMs: number,
  ) {
    this.writeKeySet = defineScript(redis, __dirname, 'write-key-set-1.lua');
  }

  async read(): Promise<KeySetSnapshot | undefined> {
    const [jwks, fetchedAtMs] = await this.redis.hmget(this.keys.recognizeKeySet(), 'jwks', 'fetchedAtMs');
    if (jwks === null || fetchedAtMs === null) return undefined;
    try {
      return { jwks: JSON.parse(jwks) as JSONWebKeySet, fetchedAtMs: Number(fetchedAtMs) };
    } catch {
      return undefined;
    }
  }

  async write(snapshot: KeySetSnapshot): Promise<void> {
    await this.writeKeySet([this.keys.recognizeKeySet()], JSON.stringify(snapshot.jwks), snapshot.fetchedAtMs, this.ttlMs);
  }

  async claimFetch(gapMs: number): Promise<number> {
    if (gapMs <= 0) return 0;
    const key = this.keys.recognizeKeySetFetch();
    if ((await this.redis.set(key, '1', 'PX', gapMs, 'NX')) === 'OK') return 0;
    // The claim may expire between the two calls: then a fetch is allowed about now.
    return Math.max(1, await this.redis.pttl(key));
  }
}
