import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { StorageQuotaExceededError, TooManyRequestsError } from '../common/app.errors';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { RedisScript, defineScript } from '../redis/redis-script';

const WINDOW_MS = 60_000;
/**
 * A pending approval may be decided any moment, long before it expires: its expiry is only the
 * latest time a slot frees, so the hint is capped to keep callers from waiting needlessly long.
 */
const MAX_PENDING_RETRY_AFTER_S = 60;

/**
 * Per end-user limits on approvals, counted per (client, user), and the client's storage quota,
 * held in Redis so that they apply across all instances. The limits are counted per client so that
 * one client's approvals never make another client's request fail; for the same reason the 429s say
 * which limit was hit and never how many approvals the user has.
 */
/** What admission found: the approval already stored, the id held by another request, or the id reserved for this one. */
export type Admission =
  | { kind: 'existing'; doc: string; consumedAt: string | null; consumedReference: string | null }
  | { kind: 'held'; owner: string }
  | { kind: 'admitted'; retryOfOurs: boolean };

/** The request being admitted: its approval, the key of its record and the reservation it takes. */
export interface AdmissionRequest {
  clientId: string;
  userId: string;
  id: string;
  expiresAtMs: number;
  keepUntilMs: number;
  owner: string;
  reservationTtlMs: number;
}

@Injectable()
export class UserLimitsService {
  /** admit-approval.lua: its keys are the record, the reservation, the user's two sets and the client's stored set, then the record of each listed id. */
  private readonly admitApproval: RedisScript<(string | number)[], (string | number | null)[]>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {
    this.admitApproval = defineScript(redis, __dirname, 'admit-approval.lua');
  }

  /**
   * In one script: looks the id up, reserves it for `owner` while its creation is in flight, and
   * counts the approval against the user's limits at the client and against the client's storage
   * quota (the id is counted until `keepUntilMs`), or throws a 429 naming the limit hit (the
   * reservation freed again). Lists the user's pending set only when it is full.
   */
  async admit(request: AdmissionRequest): Promise<Admission> {
    const first = await this.runAdmission(request, []);
    if (first[0] !== 'list') return this.admissionOf(first);
    const listed = await this.redis.zrange(this.keys.userPending(request.clientId, request.userId), 0, -1);
    // The first call took the reservation (or found it ours already): whether this is a retry is its answer.
    return this.admissionOf(await this.runAdmission(request, listed), first[1] === 1);
  }

  private runAdmission(r: AdmissionRequest, listed: string[]): Promise<(string | number | null)[]> {
    const limits = this.config.runtime.rateLimit;
    const keys = [
      this.keys.approval(r.id),
      this.keys.reservation(r.id),
      this.keys.userPending(r.clientId, r.userId),
      this.keys.userCreations(r.clientId, r.userId),
      this.keys.clientStored(r.clientId),
      ...listed.map((l) => this.keys.approval(l)),
    ];
    return this.admitApproval(
      keys,
      Date.now(),
      WINDOW_MS,
      limits.userMaxPending,
      limits.userMaxCreationsPerMinute,
      r.id,
      r.expiresAtMs,
      listed.length,
      limits.clientMaxStoredApprovals,
      r.keepUntilMs,
      r.owner,
      r.reservationTtlMs,
      ...listed,
    );
  }

  private admissionOf(reply: (string | number | null)[], retryOfOurs?: boolean): Admission {
    const [kind, a, b, c] = reply;
    if (kind === 'existing')
      return { kind, doc: a as string, consumedAt: (b ?? null) as string | null, consumedReference: (c ?? null) as string | null };
    if (kind === 'held') return { kind, owner: a as string };
    if (kind === 'admitted') return { kind, retryOfOurs: retryOfOurs ?? a === 1 };
    const verdict = a as number;
    const retryAfterMs = b as number;
    if (verdict === 1) {
      const retryAfterS = Math.min(MAX_PENDING_RETRY_AFTER_S, seconds(retryAfterMs));
      throw new TooManyRequestsError('This user has reached the limit of pending approvals; retry when one is decided', retryAfterS);
    }
    if (verdict === 2) {
      throw new TooManyRequestsError('Too many approvals were created for this user in the last minute', seconds(retryAfterMs));
    }
    throw new StorageQuotaExceededError(
      'This client has reached its quota of stored approvals; retry when older ones leave retention',
      seconds(retryAfterMs),
    );
  }

  /** Frees the slots of an approval that was not created after all. */
  async release(clientId: string, userId: string, id: string): Promise<void> {
    await this.redis.multi().zrem(this.keys.userPending(clientId, userId), id).zrem(this.keys.clientStored(clientId), id).exec();
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
