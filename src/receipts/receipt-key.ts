import { KeyObject, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { ReceiptPublicJwk, receiptPrivateKeyFromPem } from '../config/receipt-key-format';

export interface ReceiptSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: ReceiptPublicJwk;
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

export function generateReceiptKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
