import { KeyObject } from 'node:crypto';
import { RECOGNIZE_KEY_PATHS } from '../config/evidence.config';
import { CryptoKey, JWTPayload, ProtectedHeaderParameters, compactVerify, decodeJwt, decodeProtectedHeader, errors } from 'jose';
import { PublicKeyCache } from './public-key.cache';
import { KeySetStore, MemoryKeySetStore, RecognizeKeySet } from './recognize-key-set';
import { RecognizeKeysClient } from './recognize-keys.client';
import { ClaimExpectations, checkClaims } from './signature-claims';
import { InvalidSignatureError, MalformedSignatureError } from './signature.errors';

export const SIGNATURE_ALGORITHMS = ['RS256', 'ES256'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export interface TransactionSignatureVerifierOptions {
  /** RECOGNIZE_BASE_URL (version path included): base of the public-key and verify-JWT paths. */
  recognizeBaseUrl: string;
  /** RECOGNIZE_API_KEY, sent as X-Api-Key to the public-key and verify-JWT endpoints. */
  apiKey: string;
  /** RECOGNIZE_JWKS_URL. When set it is the only key source; otherwise the public key, then the verify endpoint. */
  jwksUrl?: string;
  /**
   * RECOGNIZE_PUBLIC_KEY_PATH and RECOGNIZE_VERIFY_JWT_PATH, relative to recognizeBaseUrl. Recognize's
   * reference names these endpoints but gives no paths, so the defaults are our guess and configurable.
   */
  publicKeyPath?: string;
  verifyJwtPath?: string;
  /** Per HTTP call to Recognize. */
  timeoutMs?: number;
  /** Least time between two fetches of Recognize's PEM key caused by a failed verification. */
  refetchCooldownMs?: number;
  /** Least time between two fetches of Recognize's key set by all instances together (RECOGNIZE_JWKS_REFETCH_GAP_MS). */
  refetchGapMs?: number;
  /** Where instances share the key set and take turns fetching it; default: this process alone. */
  keySetStore?: KeySetStore;
  /** How far ahead of our clock an `iat` or `nbf` may be, and how far before the approval's createdAt an `iat` (clock skew between Recognize and us). */
  maxIatFutureS?: number;
  /** RECOGNIZE_JWT_ISSUER: when set, the `iss` every transaction JWT must carry. */
  issuer?: string;
}

export const SIGNATURE_VERIFIER_DEFAULTS = {
  ...RECOGNIZE_KEY_PATHS,
  timeoutMs: 5000,
  refetchCooldownMs: 30_000,
  refetchGapMs: 1000,
  /** As jose's remote key sets: a set older than 10 minutes is fetched again before use. */
  keySetMaxAgeMs: 600_000,
  maxIatFutureS: 60,
};

/** What a valid signature records on the approval (contract: `signature: { kid, alg, issuedAt?, verifiedAt }`). */
export interface VerifiedSignature {
  alg: SignatureAlgorithm;
  /** Absent only when the key came from the PEM or verify endpoint and the JWT named none. */
  kid?: string;
  issuedAt: string;
  verifiedAt: string;
  keySource: 'jwks' | 'public-key' | 'verify-endpoint';
}

/** Longest compact JWS we look at; a transaction JWT is a few hundred bytes plus the transaction data. */
export const MAX_JWT_LENGTH = 16 * 1024;

/**
 * Checks a transaction JWT of the Recognize SDK against an approval's transactionData: every check
 * of contract v2 "Signed transactions", each failure an error naming its check. Signature checks are
 * jose's; nothing cryptographic is done by hand.
 */
export class TransactionSignatureVerifier {
  private readonly jwks?: RecognizeKeySet;
  private readonly recognize: RecognizeKeysClient;
  private readonly publicKey: PublicKeyCache;
  private readonly maxIatFutureS: number;
  private readonly issuer?: string;

  constructor(options: TransactionSignatureVerifierOptions) {
    const d = SIGNATURE_VERIFIER_DEFAULTS;
    const timeoutMs = options.timeoutMs ?? d.timeoutMs;
    const cooldownMs = options.refetchCooldownMs ?? d.refetchCooldownMs;
    // The key set is public: it gets no API key, so a key-set URL pointing elsewhere cannot leak it.
    if (options.jwksUrl)
      this.jwks = new RecognizeKeySet(
        { url: options.jwksUrl, timeoutMs, refetchGapMs: options.refetchGapMs ?? d.refetchGapMs, maxAgeMs: d.keySetMaxAgeMs },
        options.keySetStore ?? new MemoryKeySetStore(),
      );
    this.recognize = new RecognizeKeysClient({
      baseUrl: options.recognizeBaseUrl,
      apiKey: options.apiKey,
      publicKeyPath: options.publicKeyPath ?? d.publicKeyPath,
      verifyJwtPath: options.verifyJwtPath ?? d.verifyJwtPath,
      timeoutMs,
    });
    this.publicKey = new PublicKeyCache(() => this.recognize.getPublicKeyPem(), cooldownMs);
    this.maxIatFutureS = options.maxIatFutureS ?? d.maxIatFutureS;
    this.issuer = options.issuer;
  }

  /**
   * Resolves when every check passes. Throws MalformedSignatureError (400) for something that is not
   * a compact JWS, InvalidSignatureError (422) naming the failed check, UpstreamUnavailableError
   * when no key source of Recognize can be reached, or KeySetRefreshingError (503) when the kid is
   * new to us and the key set may not be fetched again yet (neither says anything about the JWT).
   * `receivedAtMs`: when the JWT reached us; an unknown kid is final only for a key set fetched since.
   */
  async verify(jwt: string, approval: Omit<ClaimExpectations, 'issuer'>, receivedAtMs = Date.now()): Promise<VerifiedSignature> {
    const { header, payload } = parse(jwt);
    const alg = acceptedAlg(header.alg);
    const kid = typeof header.kid === 'string' && header.kid !== '' ? header.kid : undefined;
    let keySource: VerifiedSignature['keySource'];
    if (this.jwks) {
      await this.verifyWithKeySet(jwt, alg, kid, receivedAtMs);
      keySource = 'jwks';
    } else {
      keySource = await this.verifyWithRecognize(jwt, alg);
    }
    const now = Date.now();
    const { issuedAt } = checkClaims(payload, { ...approval, issuer: this.issuer }, now, this.maxIatFutureS);
    return {
      alg,
      ...(kid !== undefined && { kid }),
      issuedAt: new Date(issuedAt * 1000).toISOString(),
      verifiedAt: new Date(now).toISOString(),
      keySource,
    };
  }

  private async verifyWithKeySet(jwt: string, alg: SignatureAlgorithm, kid: string | undefined, receivedAtMs: number): Promise<void> {
    if (kid === undefined) throw new InvalidSignatureError('kid', 'the JWT header names no kid');
    const key: CryptoKey = await this.jwks!.key(alg, kid, receivedAtMs);
    await verifySignature(jwt, key, alg);
  }

  /**
   * Without a key set: Recognize's public key, fetched again once (cooldown permitting) when the
   * signature does not verify with the cached one, since that is what a key rotation looks like;
   * when the key cannot be had, Recognize's verify endpoint judges the signature.
   */
  private async verifyWithRecognize(jwt: string, alg: SignatureAlgorithm): Promise<'public-key' | 'verify-endpoint'> {
    const key = await this.publicKey.get();
    if (!key) {
      if (!(await this.recognize.verifyJwt(jwt)))
        throw new InvalidSignatureError('signature', "Recognize's verify endpoint reports the signature as invalid");
      return 'verify-endpoint';
    }
    try {
      await verifySignature(jwt, keyFor(key, alg), alg);
    } catch (err) {
      if (!(err instanceof InvalidSignatureError) || !(await this.publicKey.refetch())) throw err;
      const rotated = await this.publicKey.get();
      await verifySignature(jwt, keyFor(rotated!, alg), alg);
    }
    return 'public-key';
  }
}

function parse(jwt: string): { header: ProtectedHeaderParameters; payload: JWTPayload } {
  if (typeof jwt !== 'string' || jwt.length > MAX_JWT_LENGTH)
    throw new MalformedSignatureError(`must be a string of at most ${MAX_JWT_LENGTH} characters`);
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(jwt))
    throw new MalformedSignatureError('expected three base64url parts separated by dots');
  try {
    return { header: decodeProtectedHeader(jwt), payload: decodeJwt(jwt) };
  } catch (err) {
    throw new MalformedSignatureError((err as Error).message);
  }
}

/** Only Recognize's asymmetric algorithms: `none` and HMAC (whose "secret" could be our public key) never verify. */
function acceptedAlg(alg: unknown): SignatureAlgorithm {
  if (typeof alg === 'string' && (SIGNATURE_ALGORITHMS as readonly string[]).includes(alg)) return alg as SignatureAlgorithm;
  throw new InvalidSignatureError('alg', `alg ${JSON.stringify(alg)} is not accepted; only ${SIGNATURE_ALGORITHMS.join(' and ')}`);
}

/** The PEM key must be of the JWT's kind: RSA for RS256, EC P-256 for ES256. */
function keyFor(key: KeyObject, alg: SignatureAlgorithm): KeyObject {
  const kind = key.asymmetricKeyType === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve}` : String(key.asymmetricKeyType).toUpperCase();
  const fits =
    alg === 'RS256'
      ? key.asymmetricKeyType === 'rsa'
      : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!fits) throw new InvalidSignatureError('alg', `alg ${alg} does not fit Recognize's ${kind} public key`);
  return key;
}

async function verifySignature(jwt: string, key: CryptoKey | KeyObject, alg: SignatureAlgorithm): Promise<void> {
  try {
    await compactVerify(jwt, key, { algorithms: [alg] });
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed)
      throw new InvalidSignatureError('signature', 'the signature does not verify with the key');
    if (err instanceof errors.JOSEAlgNotAllowed) throw new InvalidSignatureError('alg', `alg ${alg} is not accepted`);
    if (err instanceof errors.JOSEError) throw new MalformedSignatureError(err.message);
    throw new InvalidSignatureError('signature', `the key cannot verify ${alg}`);
  }
}
