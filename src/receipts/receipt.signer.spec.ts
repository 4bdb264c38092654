import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ReceiptFacts, ReceiptSigner } from './receipt.signer';
import { ReceiptSigningKey, generateReceiptKeyPem, receiptKeyFromPem } from './receipt-key';

const makeFacts = (overrides: Partial<ReceiptFacts> = {}): ReceiptFacts => ({
  approvalId: 'op-1',
  userId: 'A1B2C3D4E5F6',
  clientId: 'bank-app',
  approvedBy: 'push',
  decidedAt: '2026-05-21T10:30:01.000Z',
  transactionHash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
  authType: 'biom',
  ...overrides,
});

describe(ReceiptSigner.name, () => {
  let key: ReceiptSigningKey;
  let sut: ReceiptSigner;

  beforeAll(async () => {
    key = await receiptKeyFromPem(generateReceiptKeyPem());
    sut = new ReceiptSigner({ signingKey: async () => key }, { issuer: 'https://stepup.bank.example' });
  });

  it('signs an ES256 receipt that verifies with the published key, holding exactly the contract claims', async () => {
    const receipt = await sut.sign(makeFacts());
    const { payload, protectedHeader } = await jwtVerify(receipt, createLocalJWKSet({ keys: [key.publicJwk] }), {
      algorithms: ['ES256'],
      typ: 'approval-receipt+jwt',
      issuer: 'https://stepup.bank.example',
      audience: 'bank-app',
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: key.kid, typ: 'approval-receipt+jwt' });
    expect(payload).toEqual({
      iss: 'https://stepup.bank.example',
      sub: 'A1B2C3D4E5F6',
      aud: 'bank-app',
      jti: 'op-1',
      iat: expect.any(Number),
      status: 'approved',
      approvedBy: 'push',
      decidedAt: '2026-05-21T10:30:01.000Z',
      transactionHash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
      authType: 'biom',
    });
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('leaves authType out when Recognize did not report it', async () => {
    const receipt = await sut.sign(makeFacts({ authType: undefined, approvedBy: 'signature' }));
    const { payload } = await jwtVerify(receipt, createLocalJWKSet({ keys: [key.publicJwk] }));
    expect(payload).not.toHaveProperty('authType');
    expect(payload.approvedBy).toBe('signature');
  });

  it('does not verify under another key with the same kid', async () => {
    const other = await receiptKeyFromPem(generateReceiptKeyPem());
    const receipt = await sut.sign(makeFacts());
    expect(decodeProtectedHeader(receipt).kid).toBe(key.kid);
    await expect(jwtVerify(receipt, createLocalJWKSet({ keys: [{ ...other.publicJwk, kid: key.kid }] }))).rejects.toThrow();
  });
});
