/** Upstream asking us to wait longer than this is treated as this: an approval rarely lives much longer. */
export const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

/**
 * Milliseconds to wait according to a Retry-After header (RFC 9110: delta-seconds or an HTTP-date),
 * capped at MAX_RETRY_AFTER_MS; undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  // Only a date that names a weekday/month reads as an HTTP-date; Date.parse would accept "5.5" and friends.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}
