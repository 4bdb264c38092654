import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { ApprovalRecord, isTerminal } from '../approvals/approval';
import { EventsUrls } from '../approvals/events-urls';

/** Issue times are rounded down to this: every read of an approval within one window gives the same eventsUrl. */
export const EVENTS_TOKEN_WINDOW_S = 60;
/** How often an instance re-reads the key set; a retired key keeps verifying what was issued this long after its retirement. */
const RELOAD_MS = 60_000;
/** An unknown kid (a rotation on another instance) re-reads the key set at most this often. */
const MISS_RELOAD_MS = 1000;
/** Tolerated clock skew between instances for a token's issue time. */
const SKEW_S = 60;
/** The first key reuses the secret of the unversioned scheme, so that every instance agrees on it. */
const FIRST_KID = 'k0';
const TOKEN = /^([a-z0-9]{1,12})\.([0-9a-z]{1,9})\.([A-Za-z0-9_-]{22})$/;

interface SigningKey {
  secret: Buffer;
  /** Set once another key became current: tokens issued after it (beyond RELOAD_MS) are refused. */
  retiredAtMs?: number;
}

type Follows = Pick<ApprovalRecord, 'id' | 'clientId' | 'status' | 'expiresAt' | 'decidedAt'>;

/**
 * Tokens for `eventsUrl`: they open one approval's event stream without the client's API key.
 * `<kid>.<issued, base36 s>.<HMAC-SHA256/128>`: compact and URL-safe, and they carry no client id or
 * other data (the MAC binds approval and client, which the verifier reads from the record).
 * - short-lived (EVENTS_TOKEN_TTL_S from issue): the owner renews by reading the approval again,
 *   since every GET and POST answer carries a fresh eventsUrl;
 * - revoked EVENTS_TOKEN_GRACE_S after the terminal event;
 * - signed with the current key of a key set kept in Redis (shared by every instance on it, nothing to
 *   configure); `rotate()` makes a new key current, and the retired one still verifies the tokens it
 *   signed until they expire.
 */
@Injectable()
export class EventsTokenService implements EventsUrls, OnModuleInit, OnApplicationShutdown {
  private keySet = new Map<string, SigningKey>();
  private currentKid = FIRST_KID;
  private loadedAtMs = 0;
  private reloader?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const legacy = this.keys.secret('events-token');
    await this.redis.set(legacy, randomBytes(32).toString('base64'), 'NX');
    const first = JSON.stringify({ secret: await this.redis.get(legacy) });
    // HSETNX: every instance starting at once ends up with the same first key.
    await this.redis.hsetnx(this.keySetKey(), `key:${FIRST_KID}`, first);
    await this.redis.hsetnx(this.keySetKey(), 'current', FIRST_KID);
    await this.load();
    this.reloader = setInterval(() => void this.load().catch(() => undefined), RELOAD_MS);
    this.reloader.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.reloader);
  }

  /**
   * The eventsUrl of an approval, with a token issued now. Issue times are rounded to a window, so
   * every answer and event of one approval within that window carries the same URL.
   */
  eventsUrl(record: { id: string; clientId: string }): string {
    return `/v1/approvals/${encodeURIComponent(record.id)}/events?token=${this.issue(record.id, record.clientId)}`;
  }

  /** `expiresAt` is accepted for compatibility; the token's life is its own (EVENTS_TOKEN_TTL_S). */
  issue(approvalId: string, clientId: string, _expiresAt?: string, nowMs = Date.now()): string {
    const issued = Math.floor(nowMs / 1000 / EVENTS_TOKEN_WINDOW_S) * EVENTS_TOKEN_WINDOW_S;
    const kid = this.currentKid;
    const key = this.keySet.get(kid) as SigningKey;
    return `${kid}.${issued.toString(36)}.${mac(key.secret, kid, issued, approvalId, clientId)}`;
  }

  /** True when the token is genuine, unexpired, for this approval and its owner, and not revoked by the outcome. */
  async verify(token: string, record: Follows, nowMs = Date.now()): Promise<boolean> {
    const [, kid, issuedText, given] = TOKEN.exec(token) ?? [];
    if (!kid) return false;
    if (!this.keySet.has(kid) && nowMs - this.loadedAtMs > MISS_RELOAD_MS) await this.load();
    const key = this.keySet.get(kid);
    if (!key) return false;
    const issued = parseInt(issuedText, 36);
    const expected = Buffer.from(mac(key.secret, kid, issued, record.id, record.clientId));
    if (!timingSafeEqual(Buffer.from(given), expected)) return false;
    const nowS = nowMs / 1000;
    if (issued > nowS + SKEW_S || issued + this.config.sse.tokenTtlS < nowS) return false;
    if (key.retiredAtMs !== undefined && issued * 1000 > key.retiredAtMs + RELOAD_MS) return false;
    if (isTerminal(record.status)) {
      const decidedMs = Date.parse(record.decidedAt ?? record.expiresAt);
      if (nowMs > decidedMs + this.config.sse.tokenGraceS * 1000) return false;
    }
    return true;
  }

  /**
   * Makes a new key current for every instance (each picks it up within RELOAD_MS) and forgets keys
   * whose last tokens have expired. Returns the new kid.
   */
  async rotate(nowMs = Date.now()): Promise<string> {
    await this.load();
    const kid = `k${randomBytes(5).toString('hex')}`;
    const ttlMs = this.config.sse.tokenTtlS * 1000;
    const multi = this.redis
      .multi()
      .hset(this.keySetKey(), `key:${kid}`, JSON.stringify({ secret: randomBytes(32).toString('base64') }), 'current', kid);
    for (const [oldKid, key] of this.keySet) {
      if (key.retiredAtMs === undefined)
        multi.hset(this.keySetKey(), `key:${oldKid}`, JSON.stringify({ secret: key.secret.toString('base64'), retiredAtMs: nowMs }));
      else if (key.retiredAtMs + RELOAD_MS + ttlMs < nowMs) multi.hdel(this.keySetKey(), `key:${oldKid}`);
    }
    await multi.exec();
    await this.load();
    return kid;
  }

  private async load(): Promise<void> {
    const fields = await this.redis.hgetall(this.keySetKey());
    const keySet = new Map<string, SigningKey>();
    for (const [field, value] of Object.entries(fields)) {
      if (!field.startsWith('key:')) continue;
      const { secret, retiredAtMs } = JSON.parse(value) as { secret: string; retiredAtMs?: number };
      keySet.set(field.slice(4), { secret: Buffer.from(secret, 'base64'), ...(retiredAtMs !== undefined && { retiredAtMs }) });
    }
    if (fields.current && keySet.has(fields.current)) {
      this.keySet = keySet;
      this.currentKid = fields.current;
    }
    this.loadedAtMs = Date.now();
  }

  private keySetKey(): string {
    return this.keys.secret('events-token-keys');
  }
}

/** 128 bits of HMAC-SHA256 over the fields as one JSON array, so that no two field lists sign alike. */
function mac(secret: Buffer, kid: string, issued: number, approvalId: string, clientId: string): string {
  return createHmac('sha256', secret)
    .update(JSON.stringify(['eventsUrl', kid, issued, approvalId, clientId]))
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}
