import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { compactVerify, createLocalJWKSet, decodeJwt, SignJWT } from 'jose';
import { ApprovalRecord, transactionHashOfRecord } from '../approvals/approval';
import { AppConfig } from '../config/app.config';
import { ReceiptKeys } from '../receipts/receipt.keys';
import { invalidRequest } from './oauth.errors';

/** exp = iat + this (contract v3). */
const ID_TOKEN_LIFETIME_S = 600;
export const AUTH_REQ_ID_CLAIM = 'urn:openid:params:jwt:claim:auth_req_id';
/** The claims an ID token of this service carries, for discovery's claims_supported. */
export const ID_TOKEN_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'iat',
  'exp',
  'auth_time',
  'amr',
  'at_hash',
  AUTH_REQ_ID_CLAIM,
  'approval_id',
  'transaction_hash',
  'approved_by',
  'authorization_details',
];

export interface IdTokenFacts {
  record: ApprovalRecord;
  clientId: string;
  authReqId: string;
  accessToken: string;
  authorizationDetails?: unknown[];
}

/**
 * The CIBA ID token: ES256, signed with the receipt key and verifiable with /.well-known/jwks.json.
 * Never confusable with a receipt: `typ` JWT (a receipt's is approval-receipt+jwt), an `exp`, and no
 * `status` claim.
 */
@Injectable()
export class IdTokenSigner {
  private readonly issuer: string;

  constructor(
    private readonly keys: ReceiptKeys,
    config: AppConfig,
  ) {
    this.issuer = config.oidc.issuer ?? '';
  }

  async sign(facts: IdTokenFacts, nowMs = Date.now()): Promise<string> {
    const { record } = facts;
    const key = await this.keys.signingKey();
    const iat = Math.floor(nowMs / 1000);
    const amr = record.authType === 'biom' ? ['face'] : record.authType === 'pin' ? ['pin'] : undefined;
    return new SignJWT({
      auth_time: Math.min(iat, authTimeOf(record)),
      ...(amr && { amr }),
      at_hash: atHash(facts.accessToken),
      [AUTH_REQ_ID_CLAIM]: facts.authReqId,
      approval_id: record.id,
      transaction_hash: transactionHashOfRecord(record),
      approved_by: record.approvedBy ?? 'push',
      ...(facts.authorizationDetails && { authorization_details: facts.authorizationDetails }),
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(record.userId)
      .setAudience(facts.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ID_TOKEN_LIFETIME_S)
      .sign(key.privateKey);
  }

  /**
   * The user of an `id_token_hint`: an ID token this service issued to `clientId`, under a published
   * key. Its exp is not checked (CIBA Core §7.1: it identifies the user, it is not a credential).
   */
  async hintedUser(hint: string, clientId: string): Promise<string> {
    const refused = invalidRequest('id_token_hint is not an ID token this service issued to the client');
    try {
      const jwks = createLocalJWKSet(await this.keys.publicJwks());
      const { protectedHeader } = await compactVerify(hint, jwks, { algorithms: ['ES256'] });
      if (protectedHeader.typ !== 'JWT') throw refused;
      const claims = decodeJwt(hint);
      const audience = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
      if (claims.iss !== this.issuer || !audience.includes(clientId) || typeof claims.sub !== 'string') throw refused;
      if (!/^[0-9A-Fa-f]{1,128}$/.test(claims.sub)) throw refused;
      return claims.sub.toUpperCase();
    } catch {
      throw refused;
    }
  }
}

/** When the user authenticated: Recognize's authentication record, else the decision. */
function authTimeOf(record: ApprovalRecord): number {
  const at = record.authentication?.createdAt ?? record.signature?.issuedAt ?? record.decidedAt ?? record.createdAt;
  const ms = Date.parse(at);
  return Math.floor((Number.isFinite(ms) ? ms : Date.now()) / 1000);
}

/** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token (ES256). */
export function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}
