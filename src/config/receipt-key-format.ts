import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';

// What RECEIPT_SIGNING_KEY and RECEIPT_PUBLIC_KEYS must hold. Configuration loading refuses a bad key
// at start with these checks, and receipts/receipt-key.ts builds the signing key on them.

/** A receipt key as published in /.well-known/jwks.json. */
export interface ReceiptPublicJwk {
  kid: string;
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  alg: 'ES256';
  use: 'sig';
}

/** RECEIPT_SIGNING_KEY (or a stored generated key) is unusable; the message names the variable and the fault. */
export class ReceiptKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = ReceiptKeyError.name;
  }
}

/** The checks of receiptKeyFromPem, synchronous: configuration loading uses them to refuse a bad key at start. */
export function receiptPrivateKeyFromPem(pem: string, source = 'RECEIPT_SIGNING_KEY'): KeyObject {
  const text = pem.replace(/\\n/g, '\n').trim();
  if (!text.startsWith('-----BEGIN PRIVATE KEY-----')) {
    throw new ReceiptKeyError(
      `${source} must be a PEM PKCS#8 private key ("-----BEGIN PRIVATE KEY-----"); convert an EC key with "openssl pkcs8 -topk8 -nocrypt"`,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem' });
  } catch {
    throw new ReceiptKeyError(`${source} is not a readable PEM private key`);
  }
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    const found = privateKey.asymmetricKeyType === 'ec' ? `EC ${curve}` : String(privateKey.asymmetricKeyType).toUpperCase();
    throw new ReceiptKeyError(`${source} must be an EC P-256 (prime256v1) key for ES256; it is ${found}`);
  }
  return privateKey;
}

/** The members a published receipt key may carry; anything else (a private `d`, RSA or symmetric parts) is refused. */
const PUBLIC_JWK_MEMBERS = new Set(['kid', 'kty', 'crv', 'x', 'y', 'alg', 'use', 'key_ops']);

/**
 * Reads RECEIPT_PUBLIC_KEYS: a JWK Set of EC P-256 public keys whose receipts are still honoured (retired
 * keys, or the next key published ahead of a rotation). Each needs a `kid` unique in the set. Messages
 * name the variable and the key's position, never a value: a private key pasted here must not reach a log.
 */
export function receiptPublicKeysFromJwks(json: string, source = 'RECEIPT_PUBLIC_KEYS'): ReceiptPublicJwk[] {
  let set: unknown;
  try {
    set = JSON.parse(json);
  } catch {
    throw new ReceiptKeyError(`${source} must be a JWK Set as JSON ({"keys":[…]}); it is not JSON`);
  }
  if (typeof set !== 'object' || set === null || !Array.isArray((set as { keys?: unknown }).keys)) {
    throw new ReceiptKeyError(`${source} must be a JWK Set as JSON ({"keys":[…]})`);
  }
  const kids = new Set<string>();
  return (set as { keys: unknown[] }).keys.map((jwk, i) => {
    const key = receiptPublicJwkOf(jwk, `${source} keys[${i}]`);
    if (kids.has(key.kid)) throw new ReceiptKeyError(`${source} keys[${i}] repeats the kid of an earlier key; each kid must be unique`);
    kids.add(key.kid);
    return key;
  });
}

function receiptPublicJwkOf(jwk: unknown, where: string): ReceiptPublicJwk {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new ReceiptKeyError(`${where} must be a JWK object`);
  const members = jwk as Record<string, unknown>;
  if ('d' in members) {
    throw new ReceiptKeyError(`${where} has a private part (d): only public keys belong here; withdraw that key, it has been exposed`);
  }
  const unknown = Object.keys(members).filter((name) => !PUBLIC_JWK_MEMBERS.has(name));
  if (unknown.length) throw new ReceiptKeyError(`${where} has members a public EC key does not have: ${unknown.join(', ')}`);
  const { kid, kty, crv, x, y, alg, use } = members;
  if (typeof kid !== 'string' || kid === '') throw new ReceiptKeyError(`${where} needs a kid (a non-empty string)`);
  if (kty !== 'EC' || crv !== 'P-256') throw new ReceiptKeyError(`${where} must be an EC P-256 key (kty "EC", crv "P-256") for ES256`);
  if (alg !== undefined && alg !== 'ES256') throw new ReceiptKeyError(`${where} has alg other than ES256`);
  if (use !== undefined && use !== 'sig') throw new ReceiptKeyError(`${where} has use other than "sig"`);
  if (typeof x !== 'string' || typeof y !== 'string') throw new ReceiptKeyError(`${where} needs the coordinates x and y`);
  try {
    // Refuses coordinates that are not a point on P-256.
    createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' });
  } catch {
    throw new ReceiptKeyError(`${where} is not a valid EC P-256 public key (x, y)`);
  }
  return { kid, kty, crv, x, y, alg: 'ES256', use: 'sig' };
}
