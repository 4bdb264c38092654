import { generateKeyPairSync } from 'node:crypto';
import { ReceiptKeyError, receiptPublicKeysFromJwks } from './receipt-key-format';

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
