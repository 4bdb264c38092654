import { minorUnitsOf } from './iso4217';

export const MAX_INTEGER_DIGITS = 15;

/**
 * A plain decimal: digits, optionally a point and at least one digit. No sign, exponent, spaces,
 * thousands separators or leading zeros ("007.50"): the string is shown to the user and signed as
 * given, so it must have one obvious reading.
 */
const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Why `amount` is not a valid amount in `currency`, or undefined when it is. */
export function amountProblem(amount: unknown, currency: unknown): string | undefined {
  if (typeof amount !== 'string') return 'must be a decimal string such as "1250.00"';
  const match = DECIMAL.exec(amount);
  if (!match) return 'must be a decimal string of digits with an optional decimal point, without sign, exponent or leading zeros';
  const [, integer, fraction = ''] = match;
  if (integer.length > MAX_INTEGER_DIGITS) return `must have at most ${MAX_INTEGER_DIGITS} integer digits`;
  if (!/[1-9]/.test(integer + fraction)) return 'must be greater than 0';
  // The currency is judged by its own rule; an invalid currency still bounds the decimals by the default.
  const code = typeof currency === 'string' ? currency : '';
  const digits = minorUnitsOf(code);
  if (fraction.length > digits) {
    return digits === 0
      ? `must be a whole number for ${code}`
      : `must have at most ${digits} decimal places for ${code || 'this currency'}`;
  }
  return undefined;
}
