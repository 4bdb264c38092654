import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import Redis from 'ioredis';
import { TooManyRequestsError, UnsupportedMediaTypeError } from '../common/app.errors';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { DemoCrossSiteRequestError } from './demo.errors';

const WINDOW_MS = 60_000;

/**
 * The demo's POSTs act without a key (as the demo client, or as the user's phone), so they must come
 * from the demo page itself, and not too often:
 * - `Content-Type: application/json`, which a cross-site form cannot send and a cross-site fetch
 *   cannot send without a CORS preflight that this service never grants for /demo;
 * - when the browser says where the request comes from (`Sec-Fetch-Site`, `Origin`), this origin;
 * - per caller address, DEMO_RATE_LIMIT_PER_MINUTE a minute, counted in Redis across instances.
 */
@Injectable()
export class DemoRequestGuard implements CanActivate {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.method !== 'POST') return true;
    assertSameOrigin(request);
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json')
      throw new UnsupportedMediaTypeError('Demo requests must be sent as application/json (the demo page does)');
    await this.throttle(request, context.switchToHttp().getResponse<Response>());
    return true;
  }

  /** A fixed one-minute window per address; the key expires with its window. */
  private async throttle(request: Request, response: Response): Promise<void> {
    const limit = this.config.http.demoPostsPerMinute;
    const key = `${this.keys.prefix}:demo-limit:${request.ip ? normalizeIp(request.ip) : 'unknown'}`;
    const replies = await this.redis.multi().set(key, 0, 'PX', WINDOW_MS, 'NX').incr(key).pttl(key).exec();
    const count = Number(replies?.[1]?.[1] ?? 0);
    const ttlMs = Number(replies?.[2]?.[1] ?? WINDOW_MS);
    response.setHeader('RateLimit-Limit', String(limit));
    if (count > limit)
      throw new TooManyRequestsError(`At most ${limit} demo requests per minute from this address`, Math.max(1, Math.ceil(ttlMs / 1000)));
  }
}

function assertSameOrigin(request: Request): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new DemoCrossSiteRequestError(
      `Demo requests are accepted from the demo page only (Sec-Fetch-Site: ${String(site).slice(0, 32)})`,
    );
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host === undefined || host !== request.headers.host)
    throw new DemoCrossSiteRequestError('Demo requests are accepted from the demo page only (Origin is another site)');
}
