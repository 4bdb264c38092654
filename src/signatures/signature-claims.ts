import { JWTPayload } from 'jose';
import { InvalidSignatureError } from './signature.errors';

/** What a transaction JWT is checked against besides its signature. */
export interface ClaimExpectations {
  /** The approval's transactionData: `td` must equal it to the character. */
  transactionData: string;
  /** The approval's createdAt (ms): a JWT issued before the approval existed never approves it. */
  createdAtMs: number;
  /** RECOGNIZE_JWT_ISSUER; undefined: `iss` is not checked. */
  issuer?: string;
}

/**
 * The claim checks, made on a payload whose signature has been verified. What Recognize says of the
 * claims (recognize-api/jwt-signing.md) is little: it adds `td`, holding the transaction data the
 * customer's app passed to its SDK, and its "JWT verification best practice" says to verify, after
 * the signature, "the standard claims (exp, iat, iss)", without saying what `iss` holds or whether
 * `exp` is always set; `nbf` and `aud` are not mentioned. So:
 * - `td` equals the approval's transactionData (contract v2);
 * - `iss` equals RECOGNIZE_JWT_ISSUER when the operator sets it (v3): the value is the tenant's, known
 *   only to the operator, so unset means unchecked;
 * - `exp`, when present, has not passed (v2); `nbf`, when present, is not more than the allowed clock
 *   skew ahead of our clock (RFC 7519 §4.1.5: a JWT is not to be accepted before it);
 * - `iat` is required (v3), at most `maxSkewS` ahead of our clock (v2), and not earlier than the
 *   approval's createdAt minus the same skew (v3): a JWT minted for an earlier approval with the same
 *   id and payment (cancelled, then created again) carries the same `td`, and only its age tells it apart.
 * Returns iat, for the approval's record.
 */
export function checkClaims(payload: JWTPayload, expected: ClaimExpectations, nowMs: number, maxSkewS: number): { issuedAt: number } {
  if (payload.td === undefined) throw new InvalidSignatureError('td', 'the JWT has no td claim');
  if (payload.td !== expected.transactionData)
    throw new InvalidSignatureError('td', "the JWT's td claim is not this approval's transactionData");
  if (expected.issuer !== undefined && payload.iss !== expected.issuer)
    throw new InvalidSignatureError(
      'iss',
      payload.iss === undefined ? 'the JWT has no iss claim' : `the JWT's iss ${JSON.stringify(payload.iss)} is not Recognize's`,
    );
  const nowS = nowMs / 1000;
  if (payload.exp !== undefined) {
    if (!isNumericDate(payload.exp)) throw new InvalidSignatureError('exp', 'exp is not a NumericDate');
    if (nowS >= payload.exp) throw new InvalidSignatureError('exp', `the JWT expired at ${isoOf(payload.exp)}`);
  }
  if (payload.nbf !== undefined) {
    if (!isNumericDate(payload.nbf)) throw new InvalidSignatureError('nbf', 'nbf is not a NumericDate');
    if (payload.nbf > nowS + maxSkewS) throw new InvalidSignatureError('nbf', `the JWT is not valid before ${isoOf(payload.nbf)}`);
  }
  if (payload.iat === undefined) throw new InvalidSignatureError('iat', 'the JWT has no iat claim');
  if (!isNumericDate(payload.iat)) throw new InvalidSignatureError('iat', 'iat is not a NumericDate');
  if (payload.iat > nowS + maxSkewS)
    throw new InvalidSignatureError('iat', `the JWT claims to be issued at ${isoOf(payload.iat)}, more than ${maxSkewS} s in the future`);
  const earliestS = expected.createdAtMs / 1000 - maxSkewS;
  if (payload.iat < earliestS)
    throw new InvalidSignatureError(
      'iat',
      `the JWT was issued at ${isoOf(payload.iat)}, more than ${maxSkewS} s before the approval was created (${isoOf(expected.createdAtMs / 1000)})`,
    );
  return { issuedAt: payload.iat };
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isoOf(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
