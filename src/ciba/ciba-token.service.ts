import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApprovalRecord } from '../approvals/approval';
import { ApprovalsService } from '../approvals/approvals.service';
import { MetricsService } from '../metrics/metrics.service';
import { CibaRequestsStore } from './ciba-requests.store';
import { ClientAuthenticator, OAuthCaller } from './client-authenticator';
import { IdTokenSigner } from './id-token.signer';
import { OAuthError, invalidRequest } from './oauth.errors';

export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
/** Lifetime of the (opaque, as yet authorising nothing) access token. */
const ACCESS_TOKEN_LIFETIME_S = 300;

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: 'openid';
  id_token: string;
  authorization_details?: unknown[];
  receipt?: string;
}

/**
 * POST /oauth/token with the CIBA grant. It only reads the approval's stored status, so a decision
 * survives any restart and is answered at once, and the one issue of tokens and the poll rhythm are
 * decided by one script on the request's record, whichever instance answers.
 */
@Injectable()
export class CibaTokenService {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly approvals: ApprovalsService,
    private readonly requests: CibaRequestsStore,
    private readonly idTokens: IdTokenSigner,
    private readonly metrics: MetricsService,
  ) {}

  async token(caller: OAuthCaller, params: Map<string, string>): Promise<TokenAnswer> {
    return this.tokenFor((await this.authenticator.authenticate(caller, params, '/oauth/token')).id, params);
  }

  /** The token request of a client already known to be `clientId` (the demo page's backend calls it in-process). */
  async tokenFor(clientId: string, params: Map<string, string>): Promise<TokenAnswer> {
    try {
      const answer = await this.answer(clientId, params);
      this.metrics.cibaTokenAnswer('tokens');
      return answer;
    } catch (err) {
      this.metrics.cibaTokenAnswer(err instanceof OAuthError ? err.error : 'server_error');
      throw err;
    }
  }

  private async answer(clientId: string, params: Map<string, string>): Promise<TokenAnswer> {
    const grantType = params.get('grant_type');
    if (grantType === undefined) throw invalidRequest('grant_type is required');
    if (grantType !== CIBA_GRANT) throw new OAuthError(400, 'unsupported_grant_type', `Only ${CIBA_GRANT} is supported`);
    const authReqId = params.get('auth_req_id');
    if (!authReqId) throw invalidRequest('auth_req_id is required');

    const request = await this.requests.find(authReqId);
    // Another client's request is answered as an unknown one, and its record is left untouched.
    if (!request || request.clientId !== clientId) throw invalidGrant();
    const record = await this.approvals.get(request.approvalId);
    if (!record || record.clientId !== clientId) throw invalidGrant();
    const nowMs = Date.now();
    const pending = record.status === 'pending';
    const state = record.status === 'approved' ? 'approved' : pending && nowMs < Date.parse(record.expiresAt) ? 'pending' : 'other';
    const redemption = await this.requests.redeem(authReqId, clientId, state, nowMs);

    switch (redemption.kind) {
      case 'invalid_grant':
        throw invalidGrant();
      case 'pending':
        throw new OAuthError(400, 'authorization_pending', 'The user has not decided yet');
      case 'slow_down':
        throw new OAuthError(400, 'slow_down', `Polled too fast: wait ${redemption.intervalS} s between polls`, {}, redemption.intervalS);
      case 'other':
        throw outcomeError(record);
      case 'issue':
        return this.tokens(record, clientId, authReqId, request.authorizationDetails);
    }
  }

  private async tokens(record: ApprovalRecord, clientId: string, authReqId: string, details?: string): Promise<TokenAnswer> {
    const accessToken = randomBytes(32).toString('base64url');
    const authorizationDetails = details === undefined ? undefined : (JSON.parse(details) as unknown[]);
    const idToken = await this.idTokens.sign({ record, clientId, authReqId, accessToken, authorizationDetails });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_S,
      scope: 'openid',
      id_token: idToken,
      ...(authorizationDetails && { authorization_details: authorizationDetails }),
      ...(record.receipt !== undefined && { receipt: record.receipt }),
    };
  }
}

/** One body for unknown, another client's, redeemed and retired auth_req_ids alike. */
function invalidGrant(): OAuthError {
  return new OAuthError(400, 'invalid_grant', 'auth_req_id is unknown, expired or already used');
}

function outcomeError(record: ApprovalRecord): OAuthError {
  switch (record.status) {
    case 'expired':
      return new OAuthError(400, 'expired_token', 'The request expired before the user decided', { approval_status: 'expired' });
    case 'rejected':
    case 'cancelled':
    case 'failed':
      return new OAuthError(400, 'access_denied', `The approval is ${record.status}`, { approval_status: record.status });
    default:
      // Pending at or after its deadline: never pending past it, whether or not the expiry is stored yet.
      return new OAuthError(400, 'expired_token', 'The request expired before the user decided');
  }
}
