/**
 * Milliseconds a Retry-After header asks for (RFC 9110: delta-seconds or an HTTP-date), at most
 * `capMs`; undefined when absent or unreadable. Each caller picks its cap: Recognize's polls cap
 * it, webhook retries leave it to their retry horizon.
 */
export function parseRetryAfter(header: string | string[] | undefined, capMs = Infinity, nowMs: number = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, capMs);
  // Only a value that names a weekday or month is read as a date: Date.parse accepts "5.5" and friends.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - nowMs), capMs);
}
