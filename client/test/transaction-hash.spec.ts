import { transactionHash, type Transaction } from '../src/index';
import { transactionDataFor, transactionHashOf } from '../../src/transactions/transaction';

const transactions: [string, Transaction][] = [
  [
    'a transfer with a reference',
    { amount: '1250.00', currency: 'EUR', payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' }, reference: 'Invoice 42' },
  ],
  ['no reference', { amount: '5', currency: 'JPY', payee: { name: 'Tanaka Shoten', account: '0001-234-5678901' } }],
  ['three minor units', { amount: '0.125', currency: 'KWD', payee: { name: 'Gulf Trading', account: 'KW81CBKU0000000000001234560101' } }],
  [
    'non-ASCII, quotes and escapes',
    {
      amount: '99.90',
      currency: 'CHF',
      payee: { name: 'Café "Zürich" \\ Søn 🚀', account: 'CH93 0076 2011 6238 5295 7' },
      reference: 'Line\nbreak\tand \u0001',
    },
  ],
];

describe('transactionHash', () => {
  it.each(transactions)('computes what the service computes for %s', (_name, transaction) => {
    const id = `wire-${_name.length}:x.y_z`;
    const expected = transactionDataFor(id, { transaction });
    expect(transactionHash(id, transaction)).toEqual({ transactionData: expected, transactionHash: transactionHashOf(expected) });
  });

  it('writes RFC 8785 canonical JSON: keys sorted, no whitespace', () => {
    const { transactionData, transactionHash: hash } = transactionHash('op-1', transactions[0][1]);
    expect(transactionData).toBe(
      '{"approvalId":"op-1","transaction":{"amount":"1250.00","currency":"EUR","payee":{"account":"DE89370400440532013000","name":"ACME Ltd"},"reference":"Invoice 42"}}',
    );
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('takes only the contract fields of a payment record, in any key order', () => {
    const record = {
      reference: 'Invoice 42',
      payee: { account: 'DE89370400440532013000', name: 'ACME Ltd', bic: 'COBADEFFXXX' },
      currency: 'EUR',
      amount: '1250.00',
      internalId: 7,
    };
    expect(transactionHash('op-1', record)).toEqual(transactionHash('op-1', transactions[0][1]));
  });

  it('binds the approval id and every field: any change gives another hash', () => {
    const base = transactionHash('op-1', transactions[0][1]).transactionHash;
    const t = transactions[0][1];
    expect(transactionHash('op-2', t).transactionHash).not.toBe(base);
    expect(transactionHash('op-1', { ...t, amount: '1250.0' }).transactionHash).not.toBe(base);
    expect(transactionHash('op-1', { ...t, payee: { ...t.payee, account: 'DE89370400440532013001' } }).transactionHash).not.toBe(base);
    const { reference: _r, ...withoutReference } = t;
    expect(transactionHash('op-1', withoutReference).transactionHash).not.toBe(base);
  });

  it('refuses an amount that is not a string, which could never match the approval', () => {
    const t = { ...transactions[0][1], amount: 1250 } as unknown as Transaction;
    expect(() => transactionHash('op-1', t)).toThrow(TypeError);
  });
});
