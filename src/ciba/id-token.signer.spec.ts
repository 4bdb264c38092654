import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ApprovalRecord } from '../approvals/approval';
import { AppConfig } from '../config/app.config';
import { ReceiptKeys } from '../receipts/receipt.keys';
import { ReceiptSigningKey, generateReceiptKeyPem, receiptKeyFromPem } from '../receipts/receipt-key';
import { AUTH_REQ_ID_CLAIM, IdTokenSigner, atHash } from './id-token.signer';

const ISSUER = 'https://stepup.bank.example';

const makeRecord = (overrides: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
  id: 'op_1',
  clientId: 'bank-app',
  userId: 'A1B2C3D4E5F6',
  message: 'Sign in',
  transactionData: '{"approvalId":"op_1","message":"Sign in"}',
  transactionHash: 'hash',
  status: 'approved',
  approvedBy: 'push',
  authType: 'pin',
  createdAt: '2026-12-07T04:00:00.000Z',
  expiresAt: '2026-12-07T04:05:00.000Z',
  decidedAt: '2026-12-07T04:01:00.000Z',
  receipt: 'r.e.c',
  fingerprint: 'f',
  ...overrides,
});

describe(IdTokenSigner.name, () => {
  let key: ReceiptSigningKey;
  let sut: IdTokenSigner;

  beforeAll(async () => {
    key = await receiptKeyFromPem(generateReceiptKeyPem());
    const keys = { signingKey: async () => key, publicJwks: async () => ({ keys: [key.publicJwk] }) } as unknown as ReceiptKeys;
    sut = new IdTokenSigner(keys, { oidc: { issuer: ISSUER, intervalS: 5 } } as AppConfig);
  });

  it('signs the contract claims, typ JWT, never a receipt typ or a status', async () => {
    const nowMs = Date.parse('2026-12-07T04:02:00.000Z');
    const token = await sut.sign({ record: makeRecord(), clientId: 'bank-app', authReqId: 'req', accessToken: 'at' }, nowMs);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: key.kid, typ: 'JWT' });
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [key.publicJwk] }), {
      issuer: ISSUER,
      audience: 'bank-app',
      currentDate: new Date(nowMs),
    });
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'A1B2C3D4E5F6',
      aud: 'bank-app',
      iat: nowMs / 1000,
      exp: nowMs / 1000 + 600,
      auth_time: Date.parse('2026-12-07T04:01:00.000Z') / 1000,
      amr: ['pin'],
      at_hash: atHash('at'),
      [AUTH_REQ_ID_CLAIM]: 'req',
      approval_id: 'op_1',
      transaction_hash: 'hash',
      approved_by: 'push',
    });
  });

  it('omits amr when the authentication type is unknown', async () => {
    const token = await sut.sign({ record: makeRecord({ authType: undefined }), clientId: 'bank-app', authReqId: 'r', accessToken: 'a' });
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [key.publicJwk] }));
    expect(payload).not.toHaveProperty('amr');
  });

  it('reads the user from its own ID token given as a hint, and refuses it for another client', async () => {
    const token = await sut.sign({ record: makeRecord(), clientId: 'bank-app', authReqId: 'r', accessToken: 'a' });
    await expect(sut.hintedUser(token, 'bank-app')).resolves.toBe('A1B2C3D4E5F6');
    await expect(sut.hintedUser(token, 'other-app')).rejects.toMatchObject({ error: 'invalid_request' });
  });
});

describe(atHash.name, () => {
  it('is base64url of the left half of SHA-256 (OIDC Core §3.1.3.6 for ES256)', () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223 b00361a396177a9cb410ff61f20015ad
    expect(Buffer.from(atHash('abc'), 'base64url').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223');
  });
});
