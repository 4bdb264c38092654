/**
 * Alphabetic codes of ISO 4217 List One (current currency and funds codes), as published by the
 * standard's maintenance agency, SIX Group (www.six-group.com, "Data standards" → "Currency codes"),
 * including the amendments to 2026: ZWG replaces ZWL, XCG replaces ANG, SLE replaces SLL, and BGN is
 * gone since Bulgaria adopted the euro (2026-01-01). Review it when SIX publishes an amendment.
 *
 * Kept here rather than read from `Intl.supportedValuesOf('currency')`: ICU's list is not List One
 * (Node 20's holds withdrawn codes such as HRK, ZWL and SLL, and lacks VED, XTS, XXX and the funds codes), and a
 * payment's currency must not change meaning with the Node version.
 */
export const ISO_4217_CODES: ReadonlySet<string> = new Set(
  `AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
   CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
   GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF
   KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR
   MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK
   SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU
   UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX
   YER ZAR ZMW ZWG`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * List One codes that name no currency a payer could be shown a payment in, refused as currencies
 * (contract v3: "XXX, XTS and other codes that name no currency → 400"). ISO 4217 gives the first
 * group no minor unit at all ("N.A."): XXX (no currency), XTS (testing), the precious metals XAU,
 * XAG, XPD, XPT, the European bond-market units XBA-XBD, and the units of account XDR (IMF SDR),
 * XSU (SUCRE) and XUA (ADB unit). The second group are funds codes, each beside a real currency of
 * the same country: BOV, CHE, CHW, CLF, COU, MXV, USN, UYI and UYW are indexed units, next-day funds
 * or WIR units, not what a bank's customer pays in, and several have minor units (CLF and UYW 4,
 * UYI 0) that the contract's table would misstate. A user shown "100.00 CLF" cannot tell the sum.
 */
export const NON_CURRENCY_CODES: ReadonlySet<string> = new Set(
  'XXX XTS XAU XAG XPD XPT XBA XBB XBC XBD XDR XSU XUA BOV CHE CHW CLF COU MXV USN UYI UYW'.split(' '),
);

/**
 * Decimal places an amount has, exactly (contract v3), per the table of contract v2 ("ISO 4217:
 * EUR/USD/GBP/CHF 2, JPY 0, KWD/BHD 3; other codes: 2"). Followed literally although ISO 4217 gives
 * some other codes other minor units (JOD, OMR, TND, LYD, IQD 3; CLP, KRW, ISK, VND and others 0):
 * the contract's table is what integrators format amounts by, and moving a code to its ISO value
 * would turn "10.50" CLP, exact under the table, into a 400. That is a contract change, not a fix here.
 */
const MINOR_UNITS: Readonly<Record<string, number>> = { EUR: 2, USD: 2, GBP: 2, CHF: 2, JPY: 0, KWD: 3, BHD: 3 };
const DEFAULT_MINOR_UNITS = 2;

export function isIso4217Code(code: string): boolean {
  return ISO_4217_CODES.has(code);
}

/** A List One code that names a currency a payment can be made and shown in. */
export function isCurrencyCode(code: string): boolean {
  return ISO_4217_CODES.has(code) && !NON_CURRENCY_CODES.has(code);
}

export function minorUnitsOf(currency: string): number {
  return MINOR_UNITS[currency] ?? DEFAULT_MINOR_UNITS;
}
