import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { ApiKeyGuard } from '../clients/api-key.guard';
import { TooManyRequestsError } from '../common/app.errors';
import { RedisKeys } from '../redis/redis.keys';

/**
 * Limits each calling client (by API key, whatever the route) across all instances: the counters
 * live in Redis. Requests without a known key are counted per IP address, so guessing keys is
 * throttled too. Health, metrics and docs are not limited: probes must never see a 429.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly apiKeys: ApiKeyGuard,
    private readonly keys: RedisKeys,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return !context.switchToHttp().getRequest<Request>().path.startsWith('/v1/');
  }

  protected override async getTracker(req: Request): Promise<string> {
    const client = this.apiKeys.authenticate(req);
    return client ? `client:${client.id}` : `ip:${req.ip ?? 'unknown'}`;
  }

  // One counter per client for all routes, under our prefix (the storage wraps it in a hash tag).
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${this.keys.prefix}:ratelimit:${name}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new TooManyRequestsError(
      `Rate limit exceeded: at most ${detail.limit} requests per minute for this client`,
      Math.max(1, detail.timeToBlockExpire),
    );
  }
}
