import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { ReceiptKeyError } from '../config/receipt-key-format';
import { generateReceiptKeyPem, receiptKeyFromPem } from './receipt-key';

const pkcs8 = (type: 'ec' | 'rsa', namedCurve = 'prime256v1') =>
  (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve })).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();

describe(receiptKeyFromPem.name, () => {
  it('reads a PKCS#8 P-256 key, with its RFC 7638 thumbprint as kid and the published JWK fields', async () => {
    const key = await receiptKeyFromPem(generateReceiptKeyPem());
    const { kty, crv, x, y } = key.publicJwk;
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty, crv, x, y }));
    expect(key.publicJwk).toEqual({
      kid: key.kid,
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      alg: 'ES256',
      use: 'sig',
    });
    expect(Object.keys(key.publicJwk)).not.toContain('d');
  });

  it('reads a PEM whose line breaks travel as literal \\n, as in an environment variable', async () => {
    const pem = generateReceiptKeyPem();
    expect((await receiptKeyFromPem(pem.replace(/\n/g, '\\n'))).kid).toBe((await receiptKeyFromPem(pem)).kid);
  });

  it.each([
    [
      'an SEC1 EC key',
      () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
      'PKCS#8',
    ],
    ['an RSA key', () => pkcs8('rsa'), 'EC P-256 (prime256v1) key for ES256; it is RSA'],
    ['a P-384 key', () => pkcs8('ec', 'secp384r1'), 'it is EC secp384r1'],
    [
      'a public key',
      () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      'PKCS#8',
    ],
    [
      'garbage in a PEM frame',
      () => '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----',
      'not a readable PEM private key',
    ],
  ])('refuses %s, naming RECEIPT_SIGNING_KEY', async (_name, pem, problem) => {
    const attempt = receiptKeyFromPem(pem());
    await expect(attempt).rejects.toBeInstanceOf(ReceiptKeyError);
    await expect(attempt).rejects.toThrow(/^RECEIPT_SIGNING_KEY/);
    await expect(receiptKeyFromPem(pem())).rejects.toThrow(problem);
  });
});
