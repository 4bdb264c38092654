import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { InvalidRequestError } from '../common/app.errors';
import { validationPipe } from '../common/validation.pipe';
import { TransactionDto } from './transaction.dto';

/** The transaction as it will sit in the create body, so field names come out as the API reports them. */
class Body {
  @IsObject()
  @ValidateNested()
  @Type(() => TransactionDto)
  transaction: TransactionDto;
}

const makeTransaction = (overrides: Record<string, unknown> = {}) => ({
  amount: '1250.00',
  currency: 'EUR',
  payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' },
  reference: 'Invoice 42',
  ...overrides,
});

async function fieldsAtFault(transaction: unknown): Promise<string[]> {
  try {
    await validationPipe().transform({ transaction }, { type: 'body', metatype: Body });
    return [];
  } catch (err) {
    if (!(err instanceof InvalidRequestError)) throw err;
    return err.errors.map((e) => e.field);
  }
}

describe(TransactionDto.name, () => {
  it('accepts the contract example, with and without a reference', async () => {
    expect(await fieldsAtFault(makeTransaction())).toEqual([]);
    expect(await fieldsAtFault(makeTransaction({ reference: undefined }))).toEqual([]);
  });

  it.each([
    ['transaction.amount', { amount: '1e3' }],
    ['transaction.amount', { amount: 1250 }],
    ['transaction.amount', { amount: '0.00' }],
    ['transaction.amount', { amount: '1250.5', currency: 'JPY' }],
    ['transaction.currency', { currency: 'eur' }],
    ['transaction.currency', { currency: 'ABC' }],
    ['transaction.currency', { currency: 'XXX' }],
    ['transaction.currency', { currency: 'XTS' }],
    ['transaction.currency', { currency: 'XAU' }],
    ['transaction.amount', { amount: '10' }],
    ['transaction.amount', { amount: '10.0' }],
    ['transaction.amount', { amount: '1000.00', currency: 'JPY' }],
    ['transaction.amount', { amount: '1.50', currency: 'KWD' }],
    ['transaction.currency', { currency: undefined }],
    ['transaction.reference', { reference: 'x'.repeat(141) }],
    ['transaction.reference', { reference: 42 }],
    ['transaction.payee', { payee: undefined }],
    ['transaction.payee', { payee: 'ACME' }],
    ['transaction.payee', { payee: [] }],
    ['transaction.payee.name', { payee: { name: '', account: 'A1' } }],
    ['transaction.payee.name', { payee: { name: 'x'.repeat(141), account: 'A1' } }],
    ['transaction.payee.account', { payee: { name: 'ACME', account: 'x'.repeat(65) } }],
    ['transaction.payee.account', { payee: { name: 'ACME' } }],
  ])('names %s when it is invalid (%j)', async (field, overrides) => {
    expect(await fieldsAtFault(makeTransaction(overrides))).toContain(field);
  });

  it.each([
    [
      'transaction.payee.name',
      { payee: { name: 'Mom\naccount DE02120300000000202051\n' + '\n'.repeat(20), account: 'DE89370400440532013000' } },
    ],
    ['transaction.payee.name', { payee: { name: 'ACME\u200bLtd', account: 'DE89370400440532013000' } }],
    ['transaction.payee.name', { payee: { name: 'Cafe\u0301', account: 'DE89370400440532013000' } }],
    ['transaction.payee.account', { payee: { name: 'ACME Ltd', account: 'DE89\u202e3704' } }],
    ['transaction.payee.account', { payee: { name: 'ACME Ltd', account: 'DE89\t3704' } }],
    ['transaction.reference', { reference: 'Invoice 42\u2028account DE02' }],
    ['transaction.reference', { reference: '\ue000' }],
  ])('names %s when it holds text a phone may not show (%j)', async (field, overrides) => {
    expect(await fieldsAtFault(makeTransaction(overrides))).toEqual([field]);
  });

  it.each([
    ['transaction.payee.__proto__', { payee: JSON.parse('{"name":"ACME","account":"A1","__proto__":{"x":1}}') as object }],
    ['transaction.payee.constructor', { payee: { name: 'ACME', account: 'A1', constructor: 'x' } }],
    ['transaction.payee.prototype', { payee: { name: 'ACME', account: 'A1', prototype: {} } }],
    ['transaction.toString', { toString: 'x' }],
  ])('refuses the member %s like any unknown field', async (field, overrides) => {
    expect(await fieldsAtFault(makeTransaction(overrides))).toEqual([field]);
  });

  it('refuses unknown fields at either level, naming them', async () => {
    expect(await fieldsAtFault(makeTransaction({ fee: '1.00' }))).toEqual(['transaction.fee']);
    expect(await fieldsAtFault(makeTransaction({ payee: { name: 'ACME', account: 'A1', bic: 'X' } }))).toEqual(['transaction.payee.bic']);
  });

  it('accepts the longest allowed values', async () => {
    const t = makeTransaction({
      amount: '999999999999999.99',
      payee: { name: 'n'.repeat(140), account: 'a'.repeat(64) },
      reference: 'r'.repeat(140),
    });
    expect(await fieldsAtFault(t)).toEqual([]);
  });
});
