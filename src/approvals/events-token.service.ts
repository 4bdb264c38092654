import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';

/** After the approval expires, a token still opens its stream this long, so a late browser sees the outcome. */
export const EVENTS_TOKEN_GRACE_S = 3600;

interface TokenClaims {
  /** approval id */
  a: string;
  /** client id */
  c: string;
  /** expiry, Unix seconds */
  e: number;
}

/**
 * Tokens for `eventsUrl`: they open one approval's event stream without the client's API key.
 * HMAC-signed with a secret kept in Redis (created once, shared by every instance on that Redis),
 * so any instance can verify a token another one issued, and nothing needs configuring.
 */
@Injectable()
export class EventsTokenService implements OnModuleInit {
  private secret: Buffer;

  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async onModuleInit(): Promise<void> {
    const key = this.keys.secret('events-token');
    await this.redis.set(key, randomBytes(32).toString('base64'), 'NX');
    this.secret = Buffer.from((await this.redis.get(key)) as string, 'base64');
  }

  /**
   * The eventsUrl of an approval. Deterministic (the claims are fixed by the record and the HMAC has no
   * nonce), so the same approval gets the same URL in every answer and in its stored events.
   */
  eventsUrl(record: { id: string; clientId: string; expiresAt: string }): string {
    return `/v1/approvals/${encodeURIComponent(record.id)}/events?token=${this.issue(record.id, record.clientId, record.expiresAt)}`;
  }

  issue(approvalId: string, clientId: string, expiresAt: string): string {
    const claims: TokenClaims = { a: approvalId, c: clientId, e: Math.floor(Date.parse(expiresAt) / 1000) + EVENTS_TOKEN_GRACE_S };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The client id the token was issued to, if it is genuine, unexpired and for this approval. */
  verify(token: string, approvalId: string, nowMs = Date.now()): string | undefined {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
    if (claims.a !== approvalId || typeof claims.e !== 'number' || claims.e * 1000 < nowMs) return undefined;
    return claims.c;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
