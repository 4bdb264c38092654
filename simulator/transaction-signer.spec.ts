import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { TransactionSigner } from './transaction-signer';

const TD = '{"approvalId":"op-1","message":"Log in from a new device?"}';

describe(TransactionSigner.name, () => {
  let sut: TransactionSigner;

  beforeEach(() => {
    sut = new TransactionSigner();
  });

  it.each(['RS256', 'ES256'] as const)('signs a %s JWT with td, iat and its kid that verifies with the published key set', async (alg) => {
    const jwt = await sut.sign({ td: TD, alg });
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(sut.jwks()), { algorithms: [alg] });
    expect(protectedHeader).toEqual({ alg, kid: sut.kids()[alg], typ: 'JWT' });
    expect(payload).toEqual({ td: TD, iat: expect.any(Number) });
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('signs RS256 when no alg is asked for', async () => {
    expect(decodeProtectedHeader(await sut.sign({ td: TD })).alg).toBe('RS256');
  });

  it('sets the exp and iat it is given, and the kid it is told to', async () => {
    const jwt = await sut.sign({ td: TD, exp: 2_000_000_000, iat: 1_900_000_000, kid: 'unknown-kid' });
    expect(decodeJwt(jwt)).toEqual({ td: TD, exp: 2_000_000_000, iat: 1_900_000_000 });
    expect(decodeProtectedHeader(jwt).kid).toBe('unknown-kid');
  });

  it('publishes public signing keys only: kid, kty, alg, use and public parameters', () => {
    const { keys } = sut.jwks();
    expect(keys.map((k) => [k.kty, k.alg, k.use, k.kid])).toEqual([
      ['RSA', 'RS256', 'sig', sut.kids().RS256],
      ['EC', 'ES256', 'sig', sut.kids().ES256],
    ]);
    expect(keys[0]).toEqual({ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: expect.any(String), alg: 'RS256', use: 'sig' });
    expect(keys[1]).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: expect.any(String),
      alg: 'ES256',
      use: 'sig',
    });
  });

  it('serves the RS256 public key as PEM, which verifies its RS256 JWTs', async () => {
    expect(sut.publicKeyPem()).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    await expect(jwtVerify(await sut.sign({ td: TD }), await importSPKI(sut.publicKeyPem(), 'RS256'))).resolves.toBeDefined();
  });

  it('verifies its own signatures and no others', async () => {
    const jwt = await sut.sign({ td: TD, alg: 'ES256' });
    expect(await sut.verify(jwt)).toBe(true);
    const [header, , signature] = jwt.split('.');
    expect(await sut.verify(`${header}.${Buffer.from('{"td":"x"}').toString('base64url')}.${signature}`)).toBe(false);
    expect(await sut.verify(await new TransactionSigner().sign({ td: TD }))).toBe(false);
    expect(await sut.verify('not a jwt')).toBe(false);
  });

  it('rotates to new keys and drops the old ones from the set', async () => {
    const before = sut.kids();
    const jwt = await sut.sign({ td: TD });
    const after = sut.rotate();
    expect(after.RS256).not.toBe(before.RS256);
    expect(after.ES256).not.toBe(before.ES256);
    expect(sut.jwks().keys.map((k) => k.kid)).toEqual([after.RS256, after.ES256]);
    expect(await sut.verify(jwt)).toBe(false);
    expect(await sut.verify(await sut.sign({ td: TD }))).toBe(true);
  });
});
