import Redis from 'ioredis';
import { RedisKeys } from '../redis/redis.keys';
import { ReceiptKeyError, ReceiptPublicJwk } from '../config/receipt-key-format';
import { ReceiptSigningKey, generateReceiptKeyPem, receiptKeyFromPem } from './receipt-key';

export interface ReceiptKeysOptions {
  /** RECEIPT_SIGNING_KEY: PEM PKCS#8 EC P-256. Required in production. */
  signingKeyPem?: string;
  /** RECEIPT_PUBLIC_KEYS, read: public keys whose receipts are still honoured, published after the signing key. */
  publicKeys?: ReceiptPublicJwk[];
  /** NODE_ENV === 'production'. */
  production: boolean;
  /** REDIS_PREFIX: outside production, the generated key is shared by every instance on it. */
  prefix: string;
}

/** The HASH of receipt keys under this prefix (see RedisKeys.receiptKeys). */
export function receiptKeysKey(prefix: string): string {
  return new RedisKeys(prefix).receiptKeys();
}

/**
 * The key receipts are signed with, and the public keys integrators verify them with. The published set
 * is fixed at start from configuration alone: the signing key, then RECEIPT_PUBLIC_KEYS. Nothing read
 * from Redis adds a key (whoever can write Redis could otherwise publish a key of their own and mint
 * receipts that verify), and a key taken out of the configuration is gone at the next start: that is
 * how a leaked key is withdrawn. Rotating: publish the new key in RECEIPT_PUBLIC_KEYS on every instance,
 * then make it RECEIPT_SIGNING_KEY and move the old one's public part to RECEIPT_PUBLIC_KEYS for as long
 * as its receipts must verify (APPROVAL_RETENTION_S).
 *
 * Outside production, without RECEIPT_SIGNING_KEY, a development key is generated once per prefix and
 * kept in Redis, so every instance on the prefix signs with the same key: that one key is the only thing
 * Redis contributes to the set.
 */
export class ReceiptKeys {
  private readonly published: { keys: ReceiptPublicJwk[] };

  private constructor(
    private readonly key: ReceiptSigningKey,
    publicKeys: ReceiptPublicJwk[],
  ) {
    const retired = publicKeys.filter((jwk) => jwk.kid !== key.kid || jwk.x !== key.publicJwk.x || jwk.y !== key.publicJwk.y);
    if (retired.some((jwk) => jwk.kid === key.kid)) {
      throw new ReceiptKeyError(`RECEIPT_PUBLIC_KEYS holds another key under the signing key's kid (${key.kid})`);
    }
    // The signing key's own public part listed again (ahead of a rotation, say) is published once.
    this.published = { keys: [key.publicJwk, ...retired] };
  }

  static async load(redis: Redis, options: ReceiptKeysOptions): Promise<ReceiptKeys> {
    const configured = options.signingKeyPem?.trim() ? options.signingKeyPem : undefined;
    const pem = configured ?? (await ReceiptKeys.sharedGeneratedPem(redis, options));
    const key = await receiptKeyFromPem(
      pem,
      configured ? 'RECEIPT_SIGNING_KEY' : `the generated receipt key in ${receiptKeysKey(options.prefix)}`,
    );
    return new ReceiptKeys(key, options.publicKeys ?? []);
  }

  /** The key to sign a receipt with. */
  async signingKey(): Promise<ReceiptSigningKey> {
    return this.key;
  }

  /** This instance's signing key first, then RECEIPT_PUBLIC_KEYS in their configured order. */
  publicJwks(): { keys: ReceiptPublicJwk[] } {
    return this.published;
  }

  /** Development only: one key per prefix, HSETNX so that racing instances agree on it. */
  private static async sharedGeneratedPem(redis: Redis, options: ReceiptKeysOptions): Promise<string> {
    if (options.production) throw new ReceiptKeyError('RECEIPT_SIGNING_KEY is required when NODE_ENV=production');
    const key = receiptKeysKey(options.prefix);
    await redis.hsetnx(key, 'generated', generateReceiptKeyPem());
    const pem = await redis.hget(key, 'generated');
    if (!pem) throw new ReceiptKeyError(`the generated receipt key vanished from ${key}`);
    return pem;
  }
}
