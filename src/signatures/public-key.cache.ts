import { KeyObject, createPublicKey } from 'node:crypto';
import { Logger } from '@nestjs/common';

/**
 * Recognize's customer public key (PEM endpoint), fetched once and kept. It is fetched again only when
 * asked (no key yet, or a signature that does not verify with the cached key, which is what a key
 * rotation looks like) and at most once per cooldown, failed attempts included, so a flood of bad
 * signatures or an outage of the endpoint cannot turn into a flood of calls to Recognize.
 */
export class PublicKeyCache {
  private readonly logger = new Logger(PublicKeyCache.name);
  private key?: KeyObject;
  private pem?: string;
  private lastAttemptMs = Number.NEGATIVE_INFINITY;
  private inflight?: Promise<boolean>;

  constructor(
    private readonly fetchPem: () => Promise<string>,
    private readonly cooldownMs: number,
  ) {}

  /** The cached key, fetching it first when there is none (and the cooldown allows); undefined when unavailable. */
  async get(): Promise<KeyObject | undefined> {
    if (!this.key) await this.refetch();
    return this.key;
  }

  /** Fetches the key again unless the cooldown forbids it; true when a different key is now cached. */
  refetch(): Promise<boolean> {
    if (this.inflight) return this.inflight;
    if (Date.now() - this.lastAttemptMs < this.cooldownMs) return Promise.resolve(false);
    this.lastAttemptMs = Date.now();
    this.inflight = this.load().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async load(): Promise<boolean> {
    try {
      const pem = await this.fetchPem();
      if (pem === this.pem) return false;
      this.key = createPublicKey(pem);
      this.pem = pem;
      return true;
    } catch (err) {
      this.logger.warn(`Recognize's public key could not be read: ${(err as Error).message}`);
      return false;
    }
  }
}
