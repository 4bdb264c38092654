import { parseRetryAfter } from './retry-after';

describe(parseRetryAfter.name, () => {
  const now = Date.parse('2025-05-21T10:30:00.000Z');

  it.each([
    ['delta-seconds', '5', 5000],
    ['zero seconds', '0', 0],
    ['padded delta-seconds', ' 12 ', 12_000],
    ['long delta-seconds, uncapped by default', '7200', 7_200_000],
    ['an HTTP-date in the future', 'Wed, 21 May 2025 10:30:30 GMT', 30_000],
    ['an HTTP-date in the past', 'Wed, 21 May 2025 10:29:00 GMT', 0],
    ['the first of repeated headers', ['3', '9'], 3000],
  ])('reads %s', (_name, header, expected) => {
    expect(parseRetryAfter(header, Infinity, now)).toBe(expected);
  });

  it.each([
    ['delta-seconds', '86400'],
    ['an HTTP-date', 'Thu, 22 May 2025 10:30:00 GMT'],
  ])('caps a far-off %s at the cap asked for', (_name, header) => {
    expect(parseRetryAfter(header, 60_000, now)).toBe(60_000);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '  '],
    ['negative', '-5'],
    ['fractional', '1.5'],
    ['garbage', 'soon'],
  ])('ignores a header that is %s', (_name, header) => {
    expect(parseRetryAfter(header, Infinity, now)).toBeUndefined();
  });
});
