import { ISO_4217_CODES, NON_CURRENCY_CODES, isCurrencyCode, isIso4217Code } from './iso4217';

describe('ISO 4217 codes', () => {
  it('holds only three upper-case letters per code', () => {
    for (const code of ISO_4217_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('holds the codes of the contract and the 2024-2025 replacements', () => {
    for (const code of ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'KWD', 'BHD', 'XCG', 'ZWG', 'SLE', 'VED', 'XXX'])
      expect(isIso4217Code(code)).toBe(true);
  });

  it.each(['ABC', 'EURO', 'eur', 'HRK', 'DEM', 'ZWL', 'ANG', 'BGN', 'BTC', ''])('refuses %j', (code) => {
    expect(isIso4217Code(code)).toBe(false);
  });

  it('has no code unknown to ICU except funds, precious metals, bond units, testing codes and VED (a guard against typos)', () => {
    const icuLacks = 'BOV CHE CHW CLF COU MXV USN UYI UYW VED XAG XAU XBA XBB XBC XBD XPD XPT XTS XUA XXX'.split(' ');
    const icu = new Set(Intl.supportedValuesOf('currency'));
    expect([...ISO_4217_CODES].filter((c) => !icu.has(c) && !icuLacks.includes(c))).toEqual([]);
  });
});

describe(isCurrencyCode.name, () => {
  it.each(['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'KWD', 'BHD', 'XAF', 'XOF', 'XCD', 'XPF', 'XCG'])('accepts the currency %s', (code) => {
    expect(isCurrencyCode(code)).toBe(true);
  });

  it.each(['XXX', 'XTS', 'XAU', 'XAG', 'XPD', 'XPT', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', 'CLF', 'USN', 'CHE'])(
    'refuses %s, a List One code that names no currency',
    (code) => {
      expect(isIso4217Code(code)).toBe(true);
      expect(isCurrencyCode(code)).toBe(false);
    },
  );

  it('refuses only codes of List One as non-currencies (a guard against typos)', () => {
    for (const code of NON_CURRENCY_CODES) expect(ISO_4217_CODES.has(code)).toBe(true);
  });
});
