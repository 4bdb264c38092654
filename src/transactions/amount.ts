import { isCurrencyCode, minorUnitsOf } from './iso4217';

export const MAX_INTEGER_DIGITS = 15;

/**
 * A plain decimal: digits, optionally a point and at least one digit. No sign, exponent, spaces,
 * thousands separators or leading zeros ("007.50"): the string is shown to the user and signed as
 * given, so it must have one obvious reading.
 */
const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Why `amount` is not a valid amount in `currency`, or undefined when it is (or when the currency itself is invalid). */
export function amountProblem(amount: unknown, currency: unknown): string | undefined {
  if (typeof amount !== 'string') return 'must be a decimal string such as "1250.00"';
  const match = DECIMAL.exec(amount);
  if (!match) return 'must be a decimal string of digits with an optional decimal point, without sign, exponent or leading zeros';
  const [, integer, fraction = ''] = match;
  if (integer.length > MAX_INTEGER_DIGITS) return `must have at most ${MAX_INTEGER_DIGITS} integer digits`;
  if (!/[1-9]/.test(integer + fraction)) return 'must be greater than 0';
  // Exactly the currency's digits, so that one sum has one spelling and one transactionData ("10",
  // "10.0" and "10.00" EUR would bind differently). An invalid currency is reported on its own field.
  if (typeof currency !== 'string' || !isCurrencyCode(currency)) return undefined;
  const digits = minorUnitsOf(currency);
  if (fraction.length === digits) return undefined;
  if (digits === 0) return `must be a whole number for ${currency}, without a decimal point`;
  // The same sum in its one spelling, when padding finds it (never a rounded one).
  const same = fraction.length < digits ? ` (such as "${integer}.${fraction.padEnd(digits, '0')}")` : '';
  return `must have exactly ${digits} decimal places for ${currency}${same}`;
}
