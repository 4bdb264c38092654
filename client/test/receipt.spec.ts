import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { KeySetUnavailableError, ReceiptVerificationError, StepupClient } from '../src/index';
import { json, TestServer } from './test-server';

const claims = {
  sub: 'A1B2C3D4E5F6',
  jti: 'op-1',
  status: 'approved',
  approvedBy: 'push',
  decidedAt: '2026-12-01T10:00:03.000Z',
  transactionHash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
  authType: 'biom',
};

describe('StepupClient.verifyReceipt', () => {
  let server: TestServer;
  let sut: StepupClient;
  let receiptKey: CryptoKey;
  let otherKey: CryptoKey;
  let jwks: { keys: JWK[] };

  function receipt(
    overrides: { key?: CryptoKey; kid?: string; typ?: string; claims?: Record<string, unknown>; audience?: string } = {},
  ): Promise<string> {
    return new SignJWT({ ...claims, ...overrides.claims })
      .setProtectedHeader({ alg: 'ES256', kid: overrides.kid ?? 'receipt-1', typ: overrides.typ ?? 'approval-receipt+jwt' })
      .setIssuer('stepup-orchestrator')
      .setAudience(overrides.audience ?? 'bank-app')
      .setIssuedAt()
      .sign(overrides.key ?? receiptKey);
  }

  beforeAll(async () => {
    ({ privateKey: receiptKey } = await generateKeyPair('ES256', { extractable: true }));
    ({ privateKey: otherKey } = await generateKeyPair('ES256'));
    server = await TestServer.start();
    sut = new StepupClient({ baseUrl: `${server.url}/`, apiKey: 'key-0123456789abcdef' });
  });
  beforeEach(async () => {
    const publicJwk = await exportJWK(receiptKey);
    delete publicJwk.d;
    jwks = { keys: [{ ...publicJwk, kid: 'receipt-1', alg: 'ES256', use: 'sig' }] };
    server.handle((req, res) => (req.path === '/.well-known/jwks.json' ? json(res, 200, jwks) : json(res, 404, {})));
  });
  afterAll(() => server.close());

  it('returns the claims of a receipt signed with a key of the service', async () => {
    const verified = await sut.verifyReceipt(await receipt(), {
      expectedAudience: 'bank-app',
      transactionHash: claims.transactionHash,
      approvalId: 'op-1',
    });

    expect(verified).toMatchObject({ ...claims, aud: 'bank-app', iss: 'stepup-orchestrator' });
    expect(server.to('/.well-known/jwks.json')[0].headers.authorization).toBeUndefined();
  });

  it('fetches the key set once for many receipts', async () => {
    const fresh = new StepupClient({ baseUrl: server.url, apiKey: 'key-0123456789abcdef' });

    for (let i = 0; i < 3; i++) await fresh.verifyReceipt(await receipt());

    expect(server.to('/.well-known/jwks.json')).toHaveLength(1);
  });

  it.each([
    ['for another audience', { audience: 'other-app' }, /aud/],
    ['for another transaction', { claims: { transactionHash: 'another-hash' } }, /transactionHash differs/],
    ['for another approval', { claims: { jti: 'op-2' } }, /jti differs/],
    ['not typed approval-receipt+jwt', { typ: 'JWT' }, /typ/],
    ['with a status other than approved', { claims: { status: 'rejected' } }, /not for an approved approval/],
  ])('refuses a receipt %s', async (_case, overrides, reason) => {
    const jwt = await receipt(overrides);

    const error = await sut
      .verifyReceipt(jwt, { expectedAudience: 'bank-app', transactionHash: claims.transactionHash, approvalId: 'op-1' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReceiptVerificationError);
    expect((error as Error).message).toMatch(reason);
  });

  it('refuses a receipt signed with a key the service does not publish', async () => {
    await expect(sut.verifyReceipt(await receipt({ key: otherKey }))).rejects.toThrow(/signature verification failed/);
  });

  it('refuses a receipt naming an unknown key', async () => {
    await expect(sut.verifyReceipt(await receipt({ key: otherKey, kid: 'receipt-9' }))).rejects.toBeInstanceOf(ReceiptVerificationError);
  });

  it('refuses what is not a JWT', async () => {
    await expect(sut.verifyReceipt('not-a-jwt')).rejects.toBeInstanceOf(ReceiptVerificationError);
  });

  it('throws KeySetUnavailableError, not a refusal, while the key set cannot be fetched, and verifies once it can', async () => {
    const fresh = new StepupClient({ baseUrl: server.url, apiKey: 'key-0123456789abcdef' });
    server.handle((_req, res) => json(res, 503, { code: 'unavailable' }));
    const jwt = await receipt();

    const error = await fresh.verifyReceipt(jwt).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KeySetUnavailableError);
    expect(error).not.toBeInstanceOf(ReceiptVerificationError);
    expect((error as Error).message).toMatch(/503/);
    server.handle((req, res) => (req.path === '/.well-known/jwks.json' ? json(res, 200, jwks) : json(res, 404, {})));
    await expect(fresh.verifyReceipt(jwt)).resolves.toMatchObject({ jti: 'op-1' });
  });

  it('throws KeySetUnavailableError when the service cannot be reached', async () => {
    const unreachable = new StepupClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'key-0123456789abcdef' });
    await expect(unreachable.verifyReceipt(await receipt())).rejects.toBeInstanceOf(KeySetUnavailableError);
  });
});
