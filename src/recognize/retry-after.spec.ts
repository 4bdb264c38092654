import { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after';

describe(parseRetryAfter.name, () => {
  const now = Date.parse('2025-05-21T10:30:00.000Z');

  it('reads what Recognize asks for', () => {
    expect(parseRetryAfter('5', now)).toBe(5000);
  });

  it.each([
    ['delta-seconds', '86400'],
    ['an HTTP-date', 'Thu, 22 May 2025 10:30:00 GMT'],
  ])('caps a far-off %s', (_name, header) => {
    expect(parseRetryAfter(header, now)).toBe(MAX_RETRY_AFTER_MS);
  });
});
