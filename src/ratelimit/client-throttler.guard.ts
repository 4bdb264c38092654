import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
  normalizeIp,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { ClientsRegistry } from '../clients/clients.registry';
import { TooManyRequestsError } from '../common/app.errors';
import { RedisKeys } from '../redis/redis.keys';

/** The throttlers of ratelimit.module.ts: each request is counted in exactly one of them. */
export const BUCKETS = { creates: 'creates', requests: 'requests', anonymous: 'anonymous' } as const;
type BucketName = (typeof BUCKETS)[keyof typeof BUCKETS];

interface Bucket {
  name: BucketName;
  tracker: string;
}

/** The SSE route, where a browser presents the eventsUrl token instead of a key. */
const EVENTS_PATH = /^\/v1\/approvals\/[^/]+\/events\/?$/;

/**
 * Limits /v1 across all instances (the counters live in Redis), in separate buckets so that no kind
 * of traffic can use up another's budget:
 * - a client's approval creations, and all its other requests, each per client (by API key);
 * - requests without a valid key, per caller address (so guessing keys is throttled), on their own;
 * - eventsUrl token streams in none of them: many browsers behind one proxy address are many users,
 *   and a junk flood from that address must not shut them out (the stream itself is limited per approval).
 * Health, metrics and docs are not limited: probes must never see a 429.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  private readonly buckets = new WeakMap<Request, Bucket | null>();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly clients: ClientsRegistry,
    private readonly keys: RedisKeys,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return this.bucketOf(context.switchToHttp().getRequest<Request>()) === null;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const bucket = this.bucketOf(request.context.switchToHttp().getRequest<Request>());
    if (bucket?.name !== request.throttler.name) return true;
    return super.handleRequest(request);
  }

  protected override async getTracker(req: Request): Promise<string> {
    return this.bucketOf(req)?.tracker ?? 'none';
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${this.keys.prefix}:ratelimit:${name}:${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const bucket = this.bucketOf(context.switchToHttp().getRequest<Request>());
    const what =
      bucket?.name === BUCKETS.creates
        ? 'approval creations'
        : bucket?.name === BUCKETS.anonymous
          ? 'requests without a valid API key from this address'
          : 'requests';
    const per = bucket?.name === BUCKETS.anonymous ? 'for this address' : 'for this client';
    throw new TooManyRequestsError(
      `Rate limit exceeded: at most ${detail.limit} ${what} per ${detail.ttl / 1000} s ${per}`,
      Math.max(1, detail.timeToBlockExpire),
    );
  }

  /** The bucket a request is counted in, or null when it is not limited here. Decided once per request. */
  private bucketOf(req: Request): Bucket | null {
    const known = this.buckets.get(req);
    if (known !== undefined) return known;
    const bucket = classify(req, this.clients);
    this.buckets.set(req, bucket);
    return bucket;
  }
}

function classify(req: Request, clients: ClientsRegistry): Bucket | null {
  if (!req.path.startsWith('/v1/')) return null;
  const authorization = req.headers.authorization;
  // With a header the key decides, token or not: a token in the URL never exempts a key guess.
  if (authorization === undefined && req.query.token !== undefined && EVENTS_PATH.test(req.path)) return null;
  const client = clients.authenticate(authorization);
  // An IPv6 caller holds a whole /64: counted per address, it could take a fresh one for every request.
  if (!client) return { name: BUCKETS.anonymous, tracker: `ip:${req.ip ? normalizeIp(req.ip) : 'unknown'}` };
  const creates = req.method === 'POST' && /^\/v1\/approvals\/?$/.test(req.path);
  return { name: creates ? BUCKETS.creates : BUCKETS.requests, tracker: `client:${client.id}` };
}
