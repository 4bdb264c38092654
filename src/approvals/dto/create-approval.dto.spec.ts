import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { CreateApprovalDto } from './create-approval.dto';

function fieldsAtFault(body: object): string[] {
  const dto = plainToInstance(CreateApprovalDto, body);
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);
}

describe(CreateApprovalDto.name, () => {
  it('accepts a minimal request and a complete one', () => {
    expect(fieldsAtFault({ userId: 'a1b2' })).toEqual([]);
    expect(
      fieldsAtFault({
        userId: 'A1B2C3D4E5F6',
        operationId: 'txn-2025.05:21_001',
        externalUserId: 'ann@example.com',
        message: 'Log in from a new device?',
        timeoutSeconds: 86400,
        callbackUrl: 'https://bank.example/hook',
        metadata: { transferId: 'tr_1' },
      }),
    ).toEqual([]);
  });

  it('accepts any hexadecimal userId of 1-128 characters', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9a-fA-F]{1,128}$/), (userId) => fieldsAtFault({ userId }).length === 0));
  });

  it('refuses any operationId with a character outside [A-Za-z0-9._:-]', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /[^A-Za-z0-9._:-]/.test(s)),
        (operationId) => fieldsAtFault({ userId: 'AB', operationId }).includes('operationId'),
      ),
    );
  });

  it.each([
    ['userId', { userId: 'G1' }],
    ['timeoutSeconds', { userId: 'AB', timeoutSeconds: '5' }],
    ['metadata', { userId: 'AB', metadata: { big: 'x'.repeat(4096) } }],
    ['callbackUrl', { userId: 'AB', callbackUrl: 'javascript:alert(1)' }],
    ['unknown', { userId: 'AB', unknown: true }],
    ['message', { userId: 'AB', message: 'Pay\nto account DE02' }],
    ['message', { userId: 'AB', message: 'Pay \u202eACME' }],
    [
      'message',
      {
        userId: 'AB',
        message: 'Log in to online banking',
        transaction: { amount: '9999.00', currency: 'EUR', payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' } },
      },
    ],
  ])('names %s when it is wrong', (field, body) => {
    expect(fieldsAtFault(body)).toContain(field);
  });
});
