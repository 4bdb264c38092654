import { JWTPayload } from 'jose';
import { InvalidSignatureError } from './signature.errors';

/**
 * The claim checks of contract v2, made on a payload whose signature has been verified: `td` is the
 * approval's transactionData to the character, `exp` (when present) has not passed, `iat` (when
 * present) is at most `maxIatFutureS` ahead of our clock. Returns iat, for the approval's record.
 */
export function checkClaims(payload: JWTPayload, transactionData: string, nowMs: number, maxIatFutureS: number): { issuedAt?: number } {
  if (payload.td === undefined) throw new InvalidSignatureError('td', 'the JWT has no td claim');
  if (payload.td !== transactionData) throw new InvalidSignatureError('td', "the JWT's td claim is not this approval's transactionData");
  const nowS = nowMs / 1000;
  if (payload.exp !== undefined) {
    if (!isNumericDate(payload.exp)) throw new InvalidSignatureError('exp', 'exp is not a NumericDate');
    if (nowS >= payload.exp) throw new InvalidSignatureError('exp', `the JWT expired at ${isoOf(payload.exp)}`);
  }
  if (payload.iat !== undefined) {
    if (!isNumericDate(payload.iat)) throw new InvalidSignatureError('iat', 'iat is not a NumericDate');
    if (payload.iat > nowS + maxIatFutureS)
      throw new InvalidSignatureError(
        'iat',
        `the JWT claims to be issued at ${isoOf(payload.iat)}, more than ${maxIatFutureS} s in the future`,
      );
    return { issuedAt: payload.iat };
  }
  return {};
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isoOf(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
