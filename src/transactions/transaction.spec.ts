import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { Transaction, phoneMessageFor, transactionDataFor, transactionHashOf } from './transaction';

const makeTransaction = (overrides: Partial<Transaction> = {}): Transaction => ({
  amount: '1250.00',
  currency: 'EUR',
  payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' },
  reference: 'Invoice 42',
  ...overrides,
});

const float = (hex: string): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
};

describe('RFC 8785 canonical JSON (the canonicalize package)', () => {
  // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical form.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('serializes the number %s as %s', (hex, expected) => {
    expect(canonicalize(float(hex))).toBe(expected);
  });

  it.each(['7fffffffffffffff', '7ff0000000000000'])('refuses NaN and Infinity (%s)', (hex) => {
    expect(() => canonicalize(float(hex))).toThrow();
  });

  it('produces the output of RFC 8785 section 3.2.2 (numbers, string escapes, literals)', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], ' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as in RFC 8785 section 3.2.3', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", ' +
        '"\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    );
    // Compared as text: Object.keys would list the integer-like key "1" first whatever the order.
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    expect(() => canonicalize({ a: '\ud800' })).toThrow();
  });
});

describe(transactionDataFor.name, () => {
  it('is the canonical JSON of the approval id and the transaction as given', () => {
    expect(transactionDataFor('op-1', { transaction: makeTransaction() })).toBe(
      '{"approvalId":"op-1","transaction":{"amount":"1250.00","currency":"EUR","payee":{"account":"DE89370400440532013000","name":"ACME Ltd"},"reference":"Invoice 42"}}',
    );
  });

  it('leaves out an absent reference, also when a DTO holds it as undefined', () => {
    expect(transactionDataFor('op-1', { transaction: makeTransaction({ reference: undefined }) })).toBe(
      '{"approvalId":"op-1","transaction":{"amount":"1250.00","currency":"EUR","payee":{"account":"DE89370400440532013000","name":"ACME Ltd"}}}',
    );
  });

  it('keeps every character of the payee as given, escaping only what JSON must', () => {
    const data = transactionDataFor('op-1', { transaction: makeTransaction({ payee: { name: 'Müller & "Söhne"\n', account: 'ÄÖ-1' } }) });
    expect(data).toContain('"name":"Müller & \\"Söhne\\"\\n"');
    expect(data).toContain('"account":"ÄÖ-1"');
  });

  it('is the canonical JSON of the approval id and the message, or an empty message', () => {
    expect(transactionDataFor('op-2', { message: 'Log in from a new device?' })).toBe(
      '{"approvalId":"op-2","message":"Log in from a new device?"}',
    );
    expect(transactionDataFor('op-2', {})).toBe('{"approvalId":"op-2","message":""}');
    expect(transactionDataFor('op-2', { message: undefined })).toBe('{"approvalId":"op-2","message":""}');
  });
});

describe(transactionHashOf.name, () => {
  it('is the unpadded base64url SHA-256 of the UTF-8 bytes', () => {
    const data = '{"approvalId":"op-2","message":"€"}';
    const expected = createHash('sha256')
      .update(Buffer.from(data, 'utf8'))
      .digest('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(transactionHashOf(data)).toBe(expected);
    expect(transactionHashOf(data)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('matches the SHA-256 test vector of "abc"', () => {
    // FIPS 180-2: SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad
    expect(Buffer.from(transactionHashOf('abc'), 'base64url').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe(phoneMessageFor.name, () => {
  it('shows the amount, the currency code, the payee name and account exactly as given', () => {
    const t = makeTransaction({
      amount: '0.50',
      currency: 'KWD',
      payee: { name: '  Ünïcødé Ltd  ', account: 'GB33 BUKB 2020 1555 5555 55' },
    });
    const message = phoneMessageFor(t);
    for (const part of ['0.50', 'KWD', '  Ünïcødé Ltd  ', 'GB33 BUKB 2020 1555 5555 55', 'Invoice 42']) expect(message).toContain(part);
  });

  it('fits the message limit with the longest transaction', () => {
    const t = makeTransaction({
      amount: '999999999999999.999',
      payee: { name: 'n'.repeat(140), account: 'a'.repeat(64) },
      reference: 'r'.repeat(140),
    });
    expect(phoneMessageFor(t).length).toBeLessThanOrEqual(4096);
  });
});
