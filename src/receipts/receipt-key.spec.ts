import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { ReceiptKeyError, receiptPublicKeysFromJwks } from '../config/receipt-key-format';
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

describe(receiptPublicKeysFromJwks.name, () => {
  const publicJwk = (kid: string) => ({
    kid,
    ...generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'jwk' }),
  });

  it('reads EC P-256 public keys in order, published as ES256 signing keys', () => {
    const [a, b] = [publicJwk('a'), { ...publicJwk('b'), alg: 'ES256', use: 'sig' }];
    expect(receiptPublicKeysFromJwks(JSON.stringify({ keys: [a, b] }))).toEqual([
      { kid: 'a', kty: 'EC', crv: 'P-256', x: a.x, y: a.y, alg: 'ES256', use: 'sig' },
      { kid: 'b', kty: 'EC', crv: 'P-256', x: b.x, y: b.y, alg: 'ES256', use: 'sig' },
    ]);
    expect(receiptPublicKeysFromJwks('{"keys":[]}')).toEqual([]);
  });

  const p384 = { kid: 'k', ...generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'jwk' }) };
  const rsa = { kid: 'k', ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) };
  const priv = { kid: 'k', ...generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' }) };
  it.each([
    ['not JSON', 'not json', 'not JSON'],
    ['a bare array', JSON.stringify([publicJwk('a')]), 'must be a JWK Set'],
    ['a private key (d)', JSON.stringify({ keys: [priv] }), 'keys[0] has a private part (d)'],
    ['a key without kid', JSON.stringify({ keys: [{ ...publicJwk('a'), kid: undefined }] }), 'keys[0] needs a kid'],
    ['two keys with one kid', JSON.stringify({ keys: [publicJwk('a'), publicJwk('a')] }), 'keys[1] repeats the kid'],
    ['a P-384 key', JSON.stringify({ keys: [p384] }), 'must be an EC P-256 key'],
    ['an RSA key', JSON.stringify({ keys: [rsa] }), 'members a public EC key does not have: n, e'],
    ['a point off the curve', JSON.stringify({ keys: [{ ...publicJwk('a'), y: publicJwk('b').y }] }), 'not a valid EC P-256 public key'],
    ['alg RS256', JSON.stringify({ keys: [{ ...publicJwk('a'), alg: 'RS256' }] }), 'alg other than ES256'],
  ])('refuses %s, naming RECEIPT_PUBLIC_KEYS and echoing no value', (_name, json, problem) => {
    const attempt = () => receiptPublicKeysFromJwks(json);
    expect(attempt).toThrow(ReceiptKeyError);
    expect(attempt).toThrow(/^RECEIPT_PUBLIC_KEYS/);
    expect(attempt).toThrow(problem);
    let message = '';
    try {
      attempt();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain(priv.d as string);
    expect(message).not.toContain(publicJwk('a').x as string);
  });
});
