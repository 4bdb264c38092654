import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import type { FetchLike } from './http.transport.js';
import type { ReceiptClaims } from './types.js';

export interface VerifyReceiptOptions {
  /** Your client id: the receipt's `aud`. */
  expectedAudience?: string;
  /** The service's `iss`, when you pin it. */
  expectedIssuer?: string;
  /** The approval id the receipt must be for (`jti`). */
  approvalId?: string;
  /** The `transactionHash` of the payment you are about to release. */
  transactionHash?: string;
  /** Accepted clock difference, in seconds (default 60). */
  clockTolerance?: number;
}

/** The receipt is not a valid approval receipt of this service, or not for what was expected. */
export class ReceiptVerificationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReceiptVerificationError';
  }
}

/**
 * The service's key set could not be fetched (network, timeout, a non-200 answer): nothing is known
 * about the receipt yet. Try again later; in a webhook handler, answer 5xx so the webhook is retried.
 */
export class KeySetUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeySetUnavailableError';
  }
}

const RECEIPT_TYP = 'approval-receipt+jwt';

/**
 * Verifies approval receipts against the service's `/.well-known/jwks.json`. The key set is
 * fetched on first use and kept; jose fetches it again when a receipt names an unknown kid (a
 * rotation; at most every 30 s) and after 10 minutes, so that a key the service retired stops
 * being trusted.
 */
export class ReceiptVerifier {
  private keys?: JWTVerifyGetKey;

  constructor(
    private readonly jwksUrl: string,
    private readonly fetch: FetchLike,
  ) {}

  async verify(jwt: string, options: VerifyReceiptOptions = {}): Promise<ReceiptClaims> {
    let claims: Partial<ReceiptClaims>;
    try {
      const { payload } = await jwtVerify(jwt, this.keySet(), {
        algorithms: ['ES256'],
        typ: RECEIPT_TYP,
        clockTolerance: options.clockTolerance ?? 60,
        ...(options.expectedAudience !== undefined && { audience: options.expectedAudience }),
        ...(options.expectedIssuer !== undefined && { issuer: options.expectedIssuer }),
      });
      claims = payload as Partial<ReceiptClaims>;
    } catch (error) {
      if (error instanceof KeySetUnavailableError) throw error;
      throw new ReceiptVerificationError(`Receipt not verified: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (claims.status !== 'approved') throw new ReceiptVerificationError('Receipt is not for an approved approval');
    if (typeof claims.transactionHash !== 'string') throw new ReceiptVerificationError('Receipt has no transactionHash');
    if (options.transactionHash !== undefined && claims.transactionHash !== options.transactionHash) {
      throw new ReceiptVerificationError('Receipt is for another transaction (transactionHash differs)');
    }
    if (options.approvalId !== undefined && claims.jti !== options.approvalId) {
      throw new ReceiptVerificationError('Receipt is for another approval (jti differs)');
    }
    return claims as ReceiptClaims;
  }

  private keySet(): JWTVerifyGetKey {
    const fetch = this.fetch;
    // Failing to fetch the keys says nothing about the receipt: kept apart from a refusal, so that a caller retries.
    this.keys ??= createRemoteJWKSet(new URL(this.jwksUrl), {
      [customFetch]: async (url, init) => {
        let response: Response;
        try {
          response = await fetch(url, init);
        } catch (error) {
          throw new KeySetUnavailableError(`Key set ${url} not fetched: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        }
        if (response.status !== 200) {
          await response.body?.cancel().catch(() => undefined);
          throw new KeySetUnavailableError(`Key set ${url} answered ${response.status}`);
        }
        return response;
      },
    });
    return this.keys;
  }
}
