import { ReceiptKeyError, ReceiptPublicJwk, receiptPrivateKeyFromPem, receiptPublicKeysFromJwks } from './receipt-key-format';

/**
 * Recognize's key endpoints, relative to RECOGNIZE_BASE_URL, when RECOGNIZE_PUBLIC_KEY_PATH and
 * RECOGNIZE_VERIFY_JWT_PATH are unset; the signature verifier's defaults start from them.
 */
export const RECOGNIZE_KEY_PATHS = { publicKeyPath: '/jwt/public-key', verifyJwtPath: '/jwt/verify' } as const;

/** How transaction JWTs of the Recognize SDK are checked (POST /v1/approvals/{id}/signature). */
export interface SignaturesConfig {
  /**
   * Recognize's customer key set. Unset with a configured RECOGNIZE_BASE_URL: signatures are checked
   * with the PEM public key, then the verify-JWT endpoint. With the bundled simulator it is set to
   * the simulator's when the simulator starts (recognize/simulator.launcher.ts).
   */
  jwksUrl?: string;
  /** Relative to RECOGNIZE_BASE_URL: Recognize's reference names these endpoints but gives no paths. */
  publicKeyPath: string;
  verifyJwtPath: string;
  /** Least time between two fetches of Recognize's PEM public key caused by a signature it does not verify. */
  refetchCooldownMs: number;
  /**
   * Least time between two fetches of Recognize's key set by all instances together: a kid new to
   * us is fetched for at once (issue 18: a rotated key must not be refused for the 30 s cooldown).
   */
  refetchGapMs: number;
  /** RECOGNIZE_JWT_ISSUER (contract v3): the `iss` every transaction JWT must carry; undefined: not checked. */
  jwtIssuer?: string;
}

export interface ReceiptsConfig {
  /** PEM PKCS#8 EC P-256; unset outside production: a key generated once per REDIS_PREFIX. */
  signingKeyPem?: string;
  /** RECEIPT_PUBLIC_KEYS: retired (or upcoming) public keys whose receipts verify, published after the signing key. */
  publicKeys: ReceiptPublicJwk[];
  /** `iss` of every receipt. */
  issuer: string;
}

export interface EvidenceEnv {
  RECOGNIZE_JWKS_URL?: string;
  RECOGNIZE_PUBLIC_KEY_PATH?: string;
  RECOGNIZE_VERIFY_JWT_PATH?: string;
  RECOGNIZE_JWKS_COOLDOWN_MS: number;
  RECOGNIZE_JWKS_REFETCH_GAP_MS: number;
  RECOGNIZE_JWT_ISSUER?: string;
  RECEIPT_SIGNING_KEY?: string;
  RECEIPT_PUBLIC_KEYS?: string;
  RECEIPT_ISSUER: string;
}

export function resolveEvidence(
  env: EvidenceEnv,
  production: boolean,
  problems: string[],
): { signatures: SignaturesConfig; receipts: ReceiptsConfig } {
  if (env.RECEIPT_SIGNING_KEY) {
    // The same checks ReceiptKeys makes when it loads the key, made here so that a bad key stops the process at start.
    try {
      receiptPrivateKeyFromPem(env.RECEIPT_SIGNING_KEY);
    } catch (err) {
      if (!(err instanceof ReceiptKeyError)) throw err;
      problems.push(err.message);
    }
  } else if (production) {
    problems.push(
      'RECEIPT_SIGNING_KEY is required when NODE_ENV=production (receipts must verify with the same key on every instance and after a restart)',
    );
  }
  let publicKeys: ReceiptPublicJwk[] = [];
  if (env.RECEIPT_PUBLIC_KEYS?.trim()) {
    try {
      publicKeys = receiptPublicKeysFromJwks(env.RECEIPT_PUBLIC_KEYS);
    } catch (err) {
      if (!(err instanceof ReceiptKeyError)) throw err;
      problems.push(err.message);
    }
  }
  // The key set gets no API key, but a receipt-less MITM could still swap Recognize's keys: https in production.
  if (production && env.RECOGNIZE_JWKS_URL && !/^https:/i.test(env.RECOGNIZE_JWKS_URL)) {
    problems.push('RECOGNIZE_JWKS_URL must be https when NODE_ENV=production');
  }
  return {
    signatures: {
      jwksUrl: env.RECOGNIZE_JWKS_URL,
      publicKeyPath: env.RECOGNIZE_PUBLIC_KEY_PATH ?? RECOGNIZE_KEY_PATHS.publicKeyPath,
      verifyJwtPath: env.RECOGNIZE_VERIFY_JWT_PATH ?? RECOGNIZE_KEY_PATHS.verifyJwtPath,
      refetchCooldownMs: env.RECOGNIZE_JWKS_COOLDOWN_MS,
      refetchGapMs: env.RECOGNIZE_JWKS_REFETCH_GAP_MS,
      jwtIssuer: env.RECOGNIZE_JWT_ISSUER,
    },
    receipts: {
      signingKeyPem: env.RECEIPT_SIGNING_KEY,
      publicKeys,
      issuer: env.RECEIPT_ISSUER,
    },
  };
}
