import { HttpStatus } from '@nestjs/common';
import { AppError, InvalidRequestError } from '../common/app.errors';

/** The checks of contract v2 and v3 "Signed transactions", in the order they are made. */
export type SignatureCheck = 'malformed' | 'alg' | 'kid' | 'signature' | 'td' | 'iss' | 'exp' | 'nbf' | 'iat';

/** A well-formed JWT that fails one check: 422 `invalid_signature`, the detail naming the check. */
export class InvalidSignatureError extends AppError {
  readonly status = HttpStatus.UNPROCESSABLE_ENTITY;
  readonly code = 'invalid_signature';
  constructor(
    readonly check: Exclude<SignatureCheck, 'malformed'>,
    readonly detail: string,
  ) {
    super(`Signature check "${check}" failed: ${detail}`);
  }
}

/** Not a compact JWS at all: the contract makes that a 400 naming the field, like any bad body. */
export class MalformedSignatureError extends InvalidRequestError {
  readonly check = 'malformed' as const;
  constructor(readonly detail: string) {
    super(`jwt is not a compact JWS: ${detail}`, [{ field: 'jwt', message: `jwt is not a compact JWS: ${detail}` }]);
  }
}

export type SignatureCheckError = InvalidSignatureError | MalformedSignatureError;

/**
 * A JWT names a kid our copy of Recognize's key set lacks, and the set may not be fetched again yet
 * (another fetch holds the gap between fetches): not a verdict on the JWT, so a 503 with Retry-After
 * rather than a 422 the caller would take as final.
 */
export class KeySetRefreshingError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'recognize_keys_refreshing';
  constructor(retryAfterS: number) {
    super(
      `The JWT names a key Recognize's key set did not have when last read, and it cannot be read again yet; retry in ${retryAfterS} s`,
      retryAfterS,
    );
  }
}
