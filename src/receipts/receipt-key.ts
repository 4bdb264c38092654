import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';

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

export interface ReceiptSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: ReceiptPublicJwk;
}

/** RECEIPT_SIGNING_KEY (or a stored generated key) is unusable; the message names the variable and the fault. */
export class ReceiptKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = ReceiptKeyError.name;
  }
}

/**
 * Reads a PEM PKCS#8 EC P-256 private key. Literal "\n" sequences are read as line breaks, since
 * that is how a PEM usually travels in an environment variable.
 */
export async function receiptKeyFromPem(pem: string, source = 'RECEIPT_SIGNING_KEY'): Promise<ReceiptSigningKey> {
  const privateKey = receiptPrivateKeyFromPem(pem, source);
  const { x, y } = createPublicKey(privateKey).export({ format: 'jwk' });
  const coordinates = { kty: 'EC' as const, crv: 'P-256' as const, x: x!, y: y! };
  // RFC 7638 thumbprint: the same key gets the same kid on every instance, with nothing to coordinate.
  const kid = await calculateJwkThumbprint(coordinates, 'sha256');
  return { kid, privateKey, publicJwk: { kid, ...coordinates, alg: 'ES256', use: 'sig' } };
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

export function generateReceiptKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
