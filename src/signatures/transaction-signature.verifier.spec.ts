import { SignJWT, UnsecuredJWT, base64url } from 'jose';
import { RecognizeKeysServer, TestKey, makeTestKey, signTransaction } from '../../test/unit/recognize-keys.server';
import { UpstreamUnavailableError } from '../common/app.errors';
import { MemoryKeySetStore } from './recognize-key-set';
import { InvalidSignatureError, KeySetRefreshingError, MalformedSignatureError, SignatureCheck } from './signature.errors';
import { TransactionSignatureVerifier } from './transaction-signature.verifier';

const TD =
  '{"approvalId":"op-1","transaction":{"amount":"1250.00","currency":"EUR","payee":{"account":"DE89370400440532013000","name":"ACME Ltd"}}}';
const T0 = Date.parse('2026-05-21T10:30:00.000Z');
const nowS = () => Math.floor(Date.now() / 1000);
/** The approval the JWTs are checked against: created at T0. */
const APPROVAL = { transactionData: TD, createdAtMs: T0 };

/** Only Date is faked: the HTTP server, fetch and its timeouts run on real timers. */
function useClock(): void {
  jest.useFakeTimers({
    now: T0,
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
}

async function failedCheck(promise: Promise<unknown>): Promise<SignatureCheck> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof InvalidSignatureError || err instanceof MalformedSignatureError) return err.check;
    throw err;
  }
  throw new Error('expected the signature to be refused');
}

let server: RecognizeKeysServer;
let rsa: TestKey;
let ec: TestKey;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([makeTestKey('RS256'), makeTestKey('ES256')]);
});

beforeEach(async () => {
  useClock();
  server = await new RecognizeKeysServer().start();
});

afterEach(async () => {
  jest.useRealTimers();
  await server.stop();
});

describe(`${TransactionSignatureVerifier.name} with Recognize's key set`, () => {
  let sut: TransactionSignatureVerifier;

  beforeEach(() => {
    server.keys = [rsa, ec];
    sut = new TransactionSignatureVerifier({
      recognizeBaseUrl: `${server.baseUrl}/v2`,
      apiKey: 'recognize-key',
      jwksUrl: `${server.baseUrl}${RecognizeKeysServer.JWKS_PATH}`,
    });
  });

  it.each(['RS256', 'ES256'])('accepts a %s JWT whose td is the transactionData, recording kid, alg and iat', async (alg) => {
    const key = alg === 'RS256' ? rsa : ec;
    const jwt = await signTransaction(key, { td: TD, iat: nowS() - 5 });
    await expect(sut.verify(jwt, APPROVAL)).resolves.toEqual({
      alg,
      kid: key.kid,
      issuedAt: new Date((nowS() - 5) * 1000).toISOString(),
      verifiedAt: new Date(T0).toISOString(),
      keySource: 'jwks',
    });
  });

  it('does not send the Recognize API key to the public key set', async () => {
    await sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL);
    expect(server.apiKeys).toEqual([undefined]);
  });

  it('refuses alg none', async () => {
    const jwt = new UnsecuredJWT({ td: TD }).encode();
    expect(await failedCheck(sut.verify(jwt, APPROVAL))).toBe('alg');
  });

  it('refuses HS256, even when its secret is the public key', async () => {
    for (const secret of [rsa.pem, JSON.stringify(rsa.jwk)]) {
      const jwt = await new SignJWT({ td: TD }).setProtectedHeader({ alg: 'HS256', kid: rsa.kid }).sign(new TextEncoder().encode(secret));
      expect(await failedCheck(sut.verify(jwt, APPROVAL))).toBe('alg');
    }
  });

  it.each(['RS512', 'PS256', 'ES384', 'EdDSA'])('refuses alg %s', async (alg) => {
    const header = base64url.encode(JSON.stringify({ alg, kid: rsa.kid }));
    const jwt = `${header}.${base64url.encode(JSON.stringify({ td: TD }))}.c2ln`;
    expect(await failedCheck(sut.verify(jwt, APPROVAL))).toBe('alg');
  });

  it('refuses a JWT without kid', async () => {
    const jwt = await signTransaction(rsa, { td: TD }, { kid: undefined });
    expect(await failedCheck(sut.verify(jwt, APPROVAL))).toBe('kid');
  });

  it('refuses a kid that is not in the key set', async () => {
    const stranger = await makeTestKey('RS256');
    expect(await failedCheck(sut.verify(await signTransaction(stranger, { td: TD }), APPROVAL))).toBe('kid');
  });

  it("refuses a kid whose key is not of the JWT's alg", async () => {
    const jwt = await signTransaction(ec, { td: TD }, { alg: 'ES256', kid: rsa.kid });
    expect(await failedCheck(sut.verify(jwt, APPROVAL))).toBe('kid');
  });

  it('refuses a signature made by another key under a known kid', async () => {
    const forger = await makeTestKey('RS256');
    const jwt = await signTransaction(forger, { td: TD }, { kid: rsa.kid });
    expect(await failedCheck(sut.verify(jwt, APPROVAL))).toBe('signature');
  });

  it('refuses a JWT whose payload was changed after signing', async () => {
    const [header, , signature] = (await signTransaction(rsa, { td: TD })).split('.');
    const forged = base64url.encode(JSON.stringify({ td: TD.replace('1250.00', '9250.00') }));
    expect(await failedCheck(sut.verify(`${header}.${forged}.${signature}`, APPROVAL))).toBe('signature');
  });

  it("refuses a td that is not exactly the approval's transactionData", async () => {
    for (const td of [TD.replace('ACME Ltd', 'ACME Ltd '), TD.replace('"approvalId":"op-1"', '"approvalId":"op-2"'), JSON.parse(TD)]) {
      expect(await failedCheck(sut.verify(await signTransaction(rsa, { td }), APPROVAL))).toBe('td');
    }
    expect(await failedCheck(sut.verify(await signTransaction(rsa, {}), APPROVAL))).toBe('td');
  });

  it('refuses a JWT whose exp has passed, and accepts one whose exp is ahead', async () => {
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, exp: nowS() - 1 }), APPROVAL))).toBe('exp');
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, exp: nowS() }), APPROVAL))).toBe('exp');
    await expect(sut.verify(await signTransaction(rsa, { td: TD, exp: nowS() + 1 }), APPROVAL)).resolves.toMatchObject({ alg: 'RS256' });
  });

  it('refuses an iat more than 60 s in the future, and accepts one up to 60 s ahead', async () => {
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, iat: nowS() + 61 }), APPROVAL))).toBe('iat');
    await expect(sut.verify(await signTransaction(rsa, { td: TD, iat: nowS() + 60 }), APPROVAL)).resolves.toMatchObject({ alg: 'RS256' });
  });

  it('refuses a JWT without iat, or with an iat that is not a NumericDate (contract v3: iat required)', async () => {
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, iat: undefined }), APPROVAL))).toBe('iat');
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, iat: '2026-05-21' }), APPROVAL))).toBe('iat');
  });

  it('refuses an iat from 2001, naming iat', async () => {
    const jwt = await signTransaction(rsa, { td: TD, iat: Date.parse('2001-01-01T00:00:00Z') / 1000 });
    await expect(sut.verify(jwt, APPROVAL)).rejects.toMatchObject({
      check: 'iat',
      detail: expect.stringMatching(/2001-01-01T00:00:00.000Z/),
    });
  });

  it("refuses an iat more than 60 s before the approval's createdAt, and accepts one 60 s before it", async () => {
    const createdS = T0 / 1000;
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, iat: createdS - 61 }), APPROVAL))).toBe('iat');
    await expect(sut.verify(await signTransaction(rsa, { td: TD, iat: createdS - 60 }), APPROVAL)).resolves.toMatchObject({ alg: 'RS256' });
  });

  it('refuses a JWT whose nbf is more than 60 s ahead, and accepts one whose nbf has come', async () => {
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, nbf: nowS() + 61 }), APPROVAL))).toBe('nbf');
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, nbf: 'soon' }), APPROVAL))).toBe('nbf');
    await expect(sut.verify(await signTransaction(rsa, { td: TD, nbf: nowS() - 1 }), APPROVAL)).resolves.toMatchObject({ alg: 'RS256' });
  });

  it('does not check iss when no issuer is configured', async () => {
    await expect(sut.verify(await signTransaction(rsa, { td: TD, iss: 'anyone' }), APPROVAL)).resolves.toMatchObject({ alg: 'RS256' });
  });

  it('refuses an iss other than the configured issuer, or none, and accepts the configured one', async () => {
    const issuer = 'https://api.keyless.io/customers/acme';
    const strict = new TransactionSignatureVerifier({
      recognizeBaseUrl: `${server.baseUrl}/v2`,
      apiKey: 'recognize-key',
      jwksUrl: `${server.baseUrl}${RecognizeKeysServer.JWKS_PATH}`,
      issuer,
    });
    expect(await failedCheck(strict.verify(await signTransaction(rsa, { td: TD, iss: `${issuer}-other` }), APPROVAL))).toBe('iss');
    expect(await failedCheck(strict.verify(await signTransaction(rsa, { td: TD }), APPROVAL))).toBe('iss');
    await expect(strict.verify(await signTransaction(rsa, { td: TD, iss: issuer }), APPROVAL)).resolves.toMatchObject({ alg: 'RS256' });
  });

  it.each([
    ['not a JWT', 'hello'],
    ['a JWE', 'a.b.c.d.e'],
    ['a payload that is not JSON', `${base64url.encode('{"alg":"RS256","kid":"k"}')}.${base64url.encode('not json')}.c2ln`],
    ['a header that is not JSON', `${base64url.encode('nope')}.${base64url.encode('{}')}.c2ln`],
    ['an oversized token', `${'a'.repeat(20_000)}.b.c`],
  ])('reports %s as malformed (a 400)', async (_name, jwt) => {
    expect(await failedCheck(sut.verify(jwt, APPROVAL))).toBe('malformed');
  });

  it('reads an unknown kid as a key rotation: fetches the set again at once, then accepts the new key and refuses the retired one', async () => {
    await sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL);
    expect(server.hits.jwks).toBe(1);

    // Recognize rotates right after our fetch: the new kid is fetched for at once, no 30 s cooldown.
    const rotated = await makeTestKey('ES256');
    server.keys = [rotated];
    jest.setSystemTime(T0 + 1);
    await expect(sut.verify(await signTransaction(rotated, { td: TD }), APPROVAL)).resolves.toMatchObject({
      kid: rotated.kid,
      alg: 'ES256',
    });
    expect(server.hits.jwks).toBe(2);
    // The retired key left the set with the rotation; the set was fetched after this JWT arrived, so that is final.
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL))).toBe('kid');
    expect(server.hits.jwks).toBe(2);
  });

  it('refuses a kid still unknown after a fetch made since the JWT arrived, fetching once for any number of them', async () => {
    await sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL);
    jest.setSystemTime(T0 + 5_000);
    const strangers = await Promise.all([1, 2, 3, 4, 5].map(() => makeTestKey('RS256')));
    const checks = await Promise.all(strangers.map(async (k) => failedCheck(sut.verify(await signTransaction(k, { td: TD }), APPROVAL))));
    expect(checks.every((c) => c === 'kid')).toBe(true);
    expect(server.hits.jwks).toBe(2);
  });

  describe('with instances sharing the key set (one store)', () => {
    const store = () => new MemoryKeySetStore();
    const verifier = (shared: MemoryKeySetStore) =>
      new TransactionSignatureVerifier({
        recognizeBaseUrl: `${server.baseUrl}/v2`,
        apiKey: 'recognize-key',
        jwksUrl: `${server.baseUrl}${RecognizeKeysServer.JWKS_PATH}`,
        refetchGapMs: 5_000,
        keySetStore: shared,
      });

    it('takes the set another instance fetched for a new kid instead of asking Recognize again', async () => {
      const shared = store();
      const [a, b] = [verifier(shared), verifier(shared)];
      await a.verify(await signTransaction(rsa, { td: TD }), APPROVAL);
      const rotated = await makeTestKey('RS256');
      server.keys = [rotated];
      jest.setSystemTime(T0 + 10);
      const jwt = await signTransaction(rotated, { td: TD });
      await expect(b.verify(jwt, APPROVAL)).resolves.toMatchObject({ kid: rotated.kid });
      await expect(a.verify(jwt, APPROVAL)).resolves.toMatchObject({ kid: rotated.kid });
      expect(server.hits.jwks).toBe(2);
    });

    it('answers a new kid met inside the gap with 503 recognize_keys_refreshing and Retry-After, never 422, then accepts it once the gap has passed', async () => {
      const shared = store();
      const [a, b] = [verifier(shared), verifier(shared)];
      await a.verify(await signTransaction(rsa, { td: TD }), APPROVAL);
      const first = await makeTestKey('RS256');
      server.keys = [first];
      jest.setSystemTime(T0 + 10);
      await b.verify(await signTransaction(first, { td: TD }), APPROVAL); // b fetches: the gap runs to T0 + 5010
      const second = await makeTestKey('RS256');
      server.keys = [second];
      jest.setSystemTime(T0 + 20);
      const jwt = await signTransaction(second, { td: TD });

      const refused = await a.verify(jwt, APPROVAL).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(KeySetRefreshingError);
      expect(refused).toMatchObject({ status: 503, code: 'recognize_keys_refreshing', retryAfterS: 5 });
      expect(server.hits.jwks).toBe(2);

      jest.setSystemTime(T0 + 5_010);
      await expect(a.verify(jwt, APPROVAL)).resolves.toMatchObject({ kid: second.kid });
      expect(server.hits.jwks).toBe(3);
    });
  });

  it('reports an unreachable key set as Recognize being unavailable, not as a bad signature', async () => {
    const jwt = await signTransaction(rsa, { td: TD });
    await server.stop();
    await expect(sut.verify(jwt, APPROVAL)).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });
});

describe(`${TransactionSignatureVerifier.name} with Recognize's public key and verify endpoints`, () => {
  let sut: TransactionSignatureVerifier;

  beforeEach(() => {
    server.keys = [rsa];
    server.pemKey = rsa;
    sut = new TransactionSignatureVerifier({ recognizeBaseUrl: `${server.baseUrl}/v2/`, apiKey: 'recognize-key' });
  });

  it('verifies with the PEM public key, fetched once with the API key', async () => {
    await expect(sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL)).resolves.toMatchObject({
      kid: rsa.kid,
      keySource: 'public-key',
    });
    await sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL);
    expect(server.hits.publicKey).toBe(1);
    expect(server.apiKeys).toEqual(['recognize-key']);
  });

  it('makes the same checks: alg, signature, td, exp, iat', async () => {
    const forger = await makeTestKey('RS256');
    expect(await failedCheck(sut.verify(new UnsecuredJWT({ td: TD }).encode(), APPROVAL))).toBe('alg');
    const hmac = await new SignJWT({ td: TD }).setProtectedHeader({ alg: 'HS256', kid: rsa.kid }).sign(new TextEncoder().encode(rsa.pem));
    expect(await failedCheck(sut.verify(hmac, APPROVAL))).toBe('alg');
    expect(await failedCheck(sut.verify(await signTransaction(ec, { td: TD }), APPROVAL))).toBe('alg');
    expect(await failedCheck(sut.verify(await signTransaction(forger, { td: TD }), APPROVAL))).toBe('signature');
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: 'other' }), APPROVAL))).toBe('td');
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, exp: nowS() - 1 }), APPROVAL))).toBe('exp');
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, iat: nowS() + 61 }), APPROVAL))).toBe('iat');
  });

  it('fetches the key again when a signature fails, at most once per 30 s, and then accepts the rotated key', async () => {
    await sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL);
    const rotated = await makeTestKey('RS256');
    server.pemKey = rotated;
    const jwt = await signTransaction(rotated, { td: TD });

    // The first fetch happened just now: no refetch yet.
    expect(await failedCheck(sut.verify(jwt, APPROVAL))).toBe('signature');
    expect(server.hits.publicKey).toBe(1);

    jest.setSystemTime(T0 + 30_000);
    await expect(sut.verify(jwt, APPROVAL)).resolves.toMatchObject({ keySource: 'public-key' });
    expect(server.hits.publicKey).toBe(2);
    for (let i = 0; i < 3; i++) expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL))).toBe('signature');
    expect(server.hits.publicKey).toBe(2);
  });

  it("falls back to Recognize's verify endpoint when the public key is unavailable, and still checks td, exp and iat", async () => {
    server.publicKeyStatus = 503;
    await expect(sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL)).resolves.toMatchObject({ keySource: 'verify-endpoint' });
    expect(await failedCheck(sut.verify(await signTransaction(ec, { td: TD }), APPROVAL))).toBe('signature');
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: 'other' }), APPROVAL))).toBe('td');
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, exp: nowS() - 1 }), APPROVAL))).toBe('exp');
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD, iat: nowS() + 61 }), APPROVAL))).toBe('iat');
    expect(server.hits.verify).toBe(5);
    // The failing public-key endpoint was asked once in those 30 s.
    expect(server.hits.publicKey).toBe(1);
    expect(server.apiKeys.every((k) => k === 'recognize-key')).toBe(true);
  });

  it('uses the public key again once it can be fetched, 30 s after the failure', async () => {
    server.publicKeyStatus = 503;
    await sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL);
    server.publicKeyStatus = 200;
    jest.setSystemTime(T0 + 30_000);
    await expect(sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL)).resolves.toMatchObject({ keySource: 'public-key' });
    expect(server.hits).toEqual({ jwks: 0, publicKey: 2, verify: 1 });
  });

  it('reads a 400 of the verify endpoint as an invalid signature', async () => {
    server.publicKeyStatus = 503;
    server.verifyStatus = 400;
    expect(await failedCheck(sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL))).toBe('signature');
  });

  it('reports both endpoints down as Recognize being unavailable', async () => {
    server.publicKeyStatus = 503;
    server.verifyStatus = 503;
    await expect(sut.verify(await signTransaction(rsa, { td: TD }), APPROVAL)).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });
});
