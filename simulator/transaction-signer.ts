import { KeyObject, generateKeyPairSync, randomUUID } from 'node:crypto';
import { JWK, SignJWT, compactVerify, createLocalJWKSet } from 'jose';

export type TransactionAlg = 'RS256' | 'ES256';

export interface SignTransactionRequest {
  /** The transaction data the customer's app passed to the SDK, carried as the `td` claim. */
  td: string;
  alg?: TransactionAlg;
  /** NumericDate (seconds); absent: no `exp` claim. */
  exp?: number;
  /** NumericDate (seconds); absent: no `nbf` claim. */
  nbf?: number;
  /** NumericDate (seconds); absent: now; null: no `iat` claim. */
  iat?: number | null;
  /** Overrides the signer's issuer (`iss`); null: no `iss` claim. */
  iss?: string | null;
  /** Overrides the header's kid, to test a verifier against a kid the key set does not have. */
  kid?: string;
}

interface SignerKey {
  alg: TransactionAlg;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * The simulator's stand-in for the keys Recognize signs transaction JWTs with (Recognize's "JWT
 * Signing": after the user authenticates, Recognize signs a JWT whose `td` claim is the transaction
 * data, and the SDK hands it to the customer's app). One RS256 and one ES256 key, each with a kid,
 * published as a JWK Set like `{server}/customers/{tenant}/.well-known/jwks.json`, as a PEM public key,
 * and through a verify call. `rotate()` replaces both keys; the old ones leave the set at once, as
 * after a KMS rotation at Recognize.
 */
export class TransactionSigner {
  private keys: Record<TransactionAlg, SignerKey>;
  /** GETs of the published key set, for tests that check how often verifiers fetch it. */
  keySetFetches = 0;

  constructor(private readonly options: { issuer?: string } = {}) {
    this.keys = generateKeys();
  }

  sign(request: SignTransactionRequest): Promise<string> {
    const key = this.keys[request.alg ?? 'RS256'];
    const jwt = new SignJWT({ td: request.td }).setProtectedHeader({ alg: key.alg, kid: request.kid ?? key.kid, typ: 'JWT' });
    if (request.iat !== null) jwt.setIssuedAt(request.iat ?? Math.floor(Date.now() / 1000));
    if (request.exp !== undefined) jwt.setExpirationTime(request.exp);
    if (request.nbf !== undefined) jwt.setNotBefore(request.nbf);
    const issuer = request.iss === undefined ? this.options.issuer : request.iss;
    if (issuer !== undefined && issuer !== null) jwt.setIssuer(issuer);
    return jwt.sign(key.privateKey);
  }

  /** The public keys, as Recognize's jwks.json: kid, kty, alg, use and the key's public parameters. */
  jwks(): { keys: JWK[] } {
    return {
      keys: Object.values(this.keys).map((k) => ({
        ...(k.publicKey.export({ format: 'jwk' }) as JWK),
        kid: k.kid,
        alg: k.alg,
        use: 'sig',
      })),
    };
  }

  /** "Get the customer public key in PEM format": the RS256 key, like the RSA key of Recognize's example. */
  publicKeyPem(): string {
    return this.keys.RS256.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** "Verify a signed JWT message": whether the signature verifies with a current key. Claims are not judged. */
  async verify(jwt: string): Promise<boolean> {
    try {
      await compactVerify(jwt, createLocalJWKSet(this.jwks()), { algorithms: ['RS256', 'ES256'] });
      return true;
    } catch {
      return false;
    }
  }

  kids(): Record<TransactionAlg, string> {
    return { RS256: this.keys.RS256.kid, ES256: this.keys.ES256.kid };
  }

  /** New keys with new kids; JWTs signed before no longer verify. Returns the new kids. */
  rotate(): Record<TransactionAlg, string> {
    this.keys = generateKeys();
    return this.kids();
  }
}

function generateKeys(): Record<TransactionAlg, SignerKey> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    RS256: { alg: 'RS256', kid: `rs256-${randomUUID()}`, ...rsa },
    ES256: { alg: 'ES256', kid: `es256-${randomUUID()}`, ...ec },
  };
}
