import { parseRetryAfter as parse } from '../common/retry-after';

/** Upstream asking us to wait longer than this is treated as this: an approval rarely lives much longer. */
export const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

/** Recognize's Retry-After (common/retry-after.ts), capped at MAX_RETRY_AFTER_MS. */
export function parseRetryAfter(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  return parse(header, MAX_RETRY_AFTER_MS, now);
}
