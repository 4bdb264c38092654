import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { ReceiptKeys } from '../receipts/receipt.keys';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { RedisScript, defineScript } from '../redis/redis-script';
import { PingSecrets, sealPing, unsealPing } from './ping-seal';

/** A poll may come this much before `last answer + interval` and still not be early (contract: 250 ms). */
const EARLY_SLACK_MS = 250;

/** One CIBA request as stored: bound to its client and approval, found by the digest of its auth_req_id. */
export interface CibaRequest {
  clientId: string;
  approvalId: string;
  /** The requested authorization_details (JSON), returned with the tokens and in the ID token. */
  authorizationDetails?: string;
}

export type Redemption =
  { kind: 'invalid_grant' } | { kind: 'issue' } | { kind: 'pending' | 'slow_down'; intervalS: number } | { kind: 'other' };

/**
 * The auth_req_id store. The auth_req_id itself is never stored: its SHA-256 names the record (a
 * 256-bit random value needs no salt), so a copy of Redis redeems nothing. The poll rhythm
 * (slow_down) and the single issue of tokens live in the record, shared by every instance.
 */
@Injectable()
export class CibaRequestsStore {
  private readonly redeemScript: RedisScript<[string, string, string, string], [string, number?]>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly receiptKeys: ReceiptKeys,
  ) {
    this.redeemScript = defineScript(redis, __dirname, 'redeem-ciba-request-1.lua');
  }

  /** Stores a new request until `keepUntilMs` (its approval's expiry plus retention); with its ping, sealed, for ping clients. */
  async save(authReqId: string, request: CibaRequest, intervalS: number, keepUntilMs: number, ping?: PingSecrets): Promise<void> {
    const key = this.keyOf(authReqId);
    const sealedPing = ping && sealPing((await this.receiptKeys.signingKey()).privateKey, ping);
    // The ping first, then the request: the two keys are in different slots on a cluster, so they
    // cannot share a MULTI, and a crash between them leaves only a ping that no request names (it
    // expires with keepUntilMs), never a ping client's request without its ping.
    if (sealedPing !== undefined)
      await this.redis.set(
        this.keys.cibaPing(request.approvalId),
        JSON.stringify({ clientId: request.clientId, sealed: sealedPing }),
        'PXAT',
        keepUntilMs,
      );
    await this.redis
      .multi()
      .hset(key, {
        clientId: request.clientId,
        approvalId: request.approvalId,
        intervalS: String(intervalS),
        ...(request.authorizationDetails !== undefined && { authorizationDetails: request.authorizationDetails }),
      })
      .pexpireat(key, keepUntilMs)
      .exec();
  }

  /** Forgets a request whose approval could not be created. */
  async remove(authReqId: string, approvalId: string): Promise<void> {
    // Two commands: the keys are in different slots on a cluster.
    await Promise.all([this.redis.del(this.keyOf(authReqId)), this.redis.del(this.keys.cibaPing(approvalId))]);
  }

  async find(authReqId: string): Promise<CibaRequest | undefined> {
    const fields = await this.redis.hgetall(this.keyOf(authReqId));
    if (!fields.clientId || !fields.approvalId) return undefined;
    return {
      clientId: fields.clientId,
      approvalId: fields.approvalId,
      ...(fields.authorizationDetails !== undefined && { authorizationDetails: fields.authorizationDetails }),
    };
  }

  /** One token-endpoint answer for `clientId`, given the approval's state as read just before. */
  async redeem(authReqId: string, clientId: string, state: 'approved' | 'pending' | 'other', nowMs = Date.now()): Promise<Redemption> {
    const [kind, interval] = await this.redeemScript([this.keyOf(authReqId)], clientId, state, String(nowMs), String(EARLY_SLACK_MS));
    if (kind === 'pending' || kind === 'slow_down') return { kind, intervalS: Number(interval) };
    return { kind } as Redemption;
  }

  /**
   * The ping owed for an approval created through CIBA by a ping client: none (not such an approval,
   * already sent or given up, or gone with its retention); its secrets are `unreadable` when sealed
   * under a receipt key replaced since.
   */
  async pingOf(approvalId: string): Promise<{ clientId: string; secrets: PingSecrets | 'unreadable' } | undefined> {
    const stored = await this.redis.get(this.keys.cibaPing(approvalId));
    if (stored === null) return undefined;
    const { clientId, sealed } = JSON.parse(stored) as { clientId: string; sealed: string };
    return { clientId, secrets: unsealPing((await this.receiptKeys.signingKey()).privateKey, sealed) ?? 'unreadable' };
  }

  /** Whether an approval has a ping owed (a cheap check for every decision of a ping client). */
  async hasPing(approvalId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.cibaPing(approvalId))) === 1;
  }

  /** The ping was delivered or given up: no later run or announcement sends it again. */
  async endPing(approvalId: string): Promise<void> {
    await this.redis.del(this.keys.cibaPing(approvalId));
  }

  private keyOf(authReqId: string): string {
    return this.keys.cibaRequest(createHash('sha256').update(authReqId, 'utf8').digest('base64url'));
  }
}
