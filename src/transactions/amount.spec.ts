import fc from 'fast-check';
import { amountProblem } from './amount';
import { ISO_4217_CODES, isCurrencyCode, minorUnitsOf } from './iso4217';

const CURRENCIES = [...ISO_4217_CODES].filter(isCurrencyCode);

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
const integerPart = fc.oneof(
  fc.constant('0'),
  fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0, 14)).map(([d, rest]) => `${d}${rest}`),
);

describe(amountProblem.name, () => {
  it.each([
    ['1250.00', 'EUR'],
    ['0.01', 'USD'],
    ['1.00', 'GBP'],
    ['1.50', 'CHF'],
    ['1250', 'JPY'],
    ['1000', 'JPY'],
    ['1.125', 'KWD'],
    ['1.500', 'KWD'],
    ['0.001', 'BHD'],
    ['999999999999999.99', 'EUR'],
    ['10.25', 'SEK'],
  ])('accepts %s %s', (amount, currency) => {
    expect(amountProblem(amount, currency)).toBeUndefined();
  });

  it.each([
    ['0', 'EUR', 'greater than 0'],
    ['0.00', 'EUR', 'greater than 0'],
    ['-1.00', 'EUR', 'decimal string'],
    ['+1.00', 'EUR', 'decimal string'],
    ['1e3', 'EUR', 'decimal string'],
    ['1E3', 'EUR', 'decimal string'],
    ['1.', 'EUR', 'decimal string'],
    ['.5', 'EUR', 'decimal string'],
    [' 1.00', 'EUR', 'decimal string'],
    ['1,000.00', 'EUR', 'decimal string'],
    ['01.00', 'EUR', 'decimal string'],
    ['Infinity', 'EUR', 'decimal string'],
    ['１２', 'EUR', 'decimal string'],
    ['', 'EUR', 'decimal string'],
    ['1000000000000000', 'EUR', '15 integer digits'],
    ['1.001', 'EUR', '2 decimal places for EUR'],
    ['1.0', 'JPY', 'whole number for JPY'],
    ['1.0001', 'KWD', '3 decimal places for KWD'],
    ['1.001', 'JOD', '2 decimal places for JOD'],
    // One sum, one spelling (contract v3): the review's "10" and "10.0" EUR beside "10.00".
    ['10', 'EUR', 'exactly 2 decimal places for EUR (such as "10.00")'],
    ['10.0', 'EUR', 'exactly 2 decimal places for EUR (such as "10.00")'],
    ['1', 'GBP', 'exactly 2 decimal places for GBP'],
    ['1.5', 'KWD', 'exactly 3 decimal places for KWD (such as "1.500")'],
    ['1.50', 'BHD', 'exactly 3 decimal places for BHD'],
    ['1000.0', 'JPY', 'whole number for JPY'],
    ['10.2', 'SEK', 'exactly 2 decimal places for SEK'],
  ])('refuses %j %s: %s', (amount, currency, problem) => {
    expect(amountProblem(amount, currency)).toContain(problem);
  });

  it('leaves the decimals to the currency rule when the currency is no currency', () => {
    for (const currency of ['XXX', 'ABC', 'eur', 42]) expect(amountProblem('10', currency)).toBeUndefined();
  });

  it.each([[1250], [null], [undefined], [{}]])('refuses the non-string %j', (amount) => {
    expect(amountProblem(amount, 'EUR')).toContain('decimal string');
  });

  it('follows the contract table literally: EUR/USD/GBP/CHF 2, JPY 0, KWD/BHD 3, every other code 2', () => {
    expect(['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'KWD', 'BHD'].map(minorUnitsOf)).toEqual([2, 2, 2, 2, 0, 3, 3]);
    for (const code of ISO_4217_CODES) if (!['JPY', 'KWD', 'BHD'].includes(code)) expect(minorUnitsOf(code)).toBe(2);
  });

  it("accepts every positive amount of at most 15 integer digits and exactly the currency's decimal places", () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCIES), integerPart, digits(0, 3), (currency, integer, fraction) => {
        const amount = fraction ? `${integer}.${fraction}` : integer;
        fc.pre(/[1-9]/.test(amount) && fraction.length === minorUnitsOf(currency));
        return amountProblem(amount, currency) === undefined;
      }),
    );
  });

  it('refuses every amount with other decimal places than its currency has, more or fewer', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCIES), integerPart, fc.option(digits(1, 6)), (currency, integer, fraction) => {
        fc.pre((fraction ?? '').length !== minorUnitsOf(currency));
        return amountProblem(fraction === null ? integer : `${integer}.${fraction}`, currency) !== undefined;
      }),
    );
  });

  it('gives one sum one accepted spelling: of "10", "10.0", "10.00", "10.000" exactly one passes per currency', () => {
    for (const currency of CURRENCIES) {
      const accepted = ['10', '10.0', '10.00', '10.000'].filter((a) => amountProblem(a, currency) === undefined);
      expect(accepted).toEqual([minorUnitsOf(currency) === 0 ? '10' : `10.${'0'.repeat(minorUnitsOf(currency))}`]);
    }
  });

  it('refuses every amount with more than 15 integer digits', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), digits(15, 30), (d, rest) => amountProblem(`${d}${rest}`, 'EUR') !== undefined));
  });

  it('refuses every number written with an exponent', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = n.toExponential();
        return amountProblem(text, 'EUR') !== undefined;
      }),
    );
  });
});
