import Redis from 'ioredis';
import { RedisScript, defineScript } from '../redis/redis-script';
import { RedisKeys } from '../redis/redis.keys';
import { ReceiptKeyError, ReceiptPublicJwk, ReceiptSigningKey, generateReceiptKeyPem, receiptKeyFromPem } from './receipt-key';

export interface ReceiptKeysOptions {
  /** RECEIPT_SIGNING_KEY: PEM PKCS#8 EC P-256. Required in production. */
  signingKeyPem?: string;
  /** NODE_ENV === 'production'. */
  production: boolean;
  /** REDIS_PREFIX: the generated key and the published keys are shared by every instance on it. */
  prefix: string;
  /** APPROVAL_RETENTION_S: a decided approval, and the receipt on it, is kept this long after its decision. */
  approvalRetentionS: number;
  now?: () => number;
}

/** How often a key in use renews its place in the published set; it stays published this much longer too. */
const MARK_INTERVAL_MS = 60_000;

/** The HASH of receipt keys under this prefix (see RedisKeys.receiptKeys). */
export function receiptKeysKey(prefix: string): string {
  return new RedisKeys(prefix).receiptKeys();
}

/**
 * The key receipts are signed with, and the public keys integrators verify them with. Every key that
 * signed a receipt stays published until every receipt it signed has expired with its approval: each
 * use pushes the key's `retireAfter` to now + approval retention (+ one mark interval, since uses are
 * recorded at most once per interval). So a rotated-out key, or the key of an instance still running
 * the old configuration during a rolling deploy, leaves the set only when its last receipt is gone.
 */
export class ReceiptKeys {
  private lastMarkMs = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private readonly hash: string;
  private readonly mark: RedisScript<[string, string, string], number>;
  private readonly prune: RedisScript<string[], number>;

  private constructor(
    private readonly redis: Redis,
    private readonly options: ReceiptKeysOptions,
    private readonly key: ReceiptSigningKey,
  ) {
    this.now = options.now ?? Date.now;
    this.hash = receiptKeysKey(options.prefix);
    this.mark = defineScript(redis, __dirname, 'mark-receipt-key-1.lua');
    this.prune = defineScript(redis, __dirname, 'prune-receipt-keys-1.lua');
  }

  static async load(redis: Redis, options: ReceiptKeysOptions): Promise<ReceiptKeys> {
    const pem = options.signingKeyPem?.trim() ? options.signingKeyPem : await ReceiptKeys.sharedGeneratedPem(redis, options);
    const key = await receiptKeyFromPem(
      pem,
      options.signingKeyPem?.trim() ? 'RECEIPT_SIGNING_KEY' : `the generated receipt key in ${receiptKeysKey(options.prefix)}`,
    );
    const keys = new ReceiptKeys(redis, options, key);
    await keys.markInUse();
    return keys;
  }

  /** The key to sign a receipt with, recorded as in use so that it stays published long enough. */
  async signingKey(): Promise<ReceiptSigningKey> {
    await this.markInUse();
    return this.key;
  }

  /** This instance's key first, then every other key whose receipts may still exist. */
  async publicJwks(): Promise<{ keys: ReceiptPublicJwk[] }> {
    const fields = await this.redis.hgetall(this.hash);
    const nowMs = this.now();
    const keys = [this.key.publicJwk];
    const gone: string[] = [];
    for (const [field, value] of Object.entries(fields)) {
      if (!field.startsWith('key:') || field === `key:${this.key.kid}`) continue;
      const entry = JSON.parse(value) as { jwk: ReceiptPublicJwk; retireAfter: number };
      if (entry.retireAfter > nowMs) keys.push(entry.jwk);
      else gone.push(field);
    }
    if (gone.length) await this.prune([this.hash], String(nowMs), ...gone);
    return { keys };
  }

  private async markInUse(): Promise<void> {
    const nowMs = this.now();
    if (nowMs - this.lastMarkMs < MARK_INTERVAL_MS) return;
    const retireAfter = nowMs + this.options.approvalRetentionS * 1000 + MARK_INTERVAL_MS;
    const entry = JSON.stringify({ jwk: this.key.publicJwk, retireAfter });
    await this.mark([this.hash], `key:${this.key.kid}`, entry, String(retireAfter));
    this.lastMarkMs = nowMs;
  }

  private static async sharedGeneratedPem(redis: Redis, options: ReceiptKeysOptions): Promise<string> {
    if (options.production) throw new ReceiptKeyError('RECEIPT_SIGNING_KEY is required when NODE_ENV=production');
    const key = receiptKeysKey(options.prefix);
    await redis.hsetnx(key, 'generated', generateReceiptKeyPem());
    const pem = await redis.hget(key, 'generated');
    if (!pem) throw new ReceiptKeyError(`the generated receipt key vanished from ${key}`);
    return pem;
  }
}
