/**
 * The text/event-stream wire format (WHATWG HTML §9.2). Chunks are built once per event and written
 * as-is to every connection that follows the approval, so formatting costs nothing per connection.
 */

/** One event: `id` is the event's 1-based position in its approval's log, which makes Last-Event-ID a cursor. */
export function sseEvent(seq: number, type: string, data: string): string {
  // A data line may not contain a line break: each line of a multi-line value becomes its own data field.
  const dataLines = data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('');
  return `id: ${seq}\nevent: ${singleLine(type)}\n${dataLines}\n`;
}

/** A comment: ignored by EventSource, but it keeps proxies from closing an idle stream. */
export function sseComment(text: string): string {
  return `${text
    .split(/\r\n|\r|\n/)
    .map((line) => `: ${line}\n`)
    .join('')}\n`;
}

/** How long the browser waits before reconnecting; only a whole number of ms is honoured by the spec. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

function singleLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}
