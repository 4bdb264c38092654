/**
 * Recognize's telemetry dates authentications without a zone (`2026-12-01T11:07:45.560`), in UTC.
 * Stored as ISO 8601 UTC with `Z`, like every other timestamp of the API, so that `format: date-time`
 * holds and strict clients (Java's OffsetDateTime) parse it. A value with a zone is converted to UTC;
 * one that is not a timestamp at all is kept as Recognize sent it.
 */
export function recognizeTimeToIso(value: string): string {
  const zoneless = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(value);
  const ms = Date.parse(zoneless ? `${value.replace(/(\.\d{3})\d+$/, '$1')}Z` : value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}
