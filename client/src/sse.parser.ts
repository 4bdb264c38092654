/** One dispatched Server-Sent Events message. */
export interface SseMessage {
  /** The event type (`message` when the stream named none). */
  event: string;
  data: string;
  /** The last event id seen on the stream so far (what a reconnect sends as Last-Event-ID). */
  id: string;
}

/**
 * An incremental parser of the `text/event-stream` format (WHATWG HTML, "Server-sent events",
 * §9.2.6): feed it decoded text as it arrives, in chunks of any size, and take the messages out.
 */
export class SseParser {
  /** Reconnection delay the server asked for with `retry:`, in milliseconds. */
  retry?: number;
  lastEventId = '';
  private line = '';
  // A chunk ended on '\r': a '\n' at the start of the next one belongs to the same line break.
  private pendingCr = false;
  private data: string[] = [];
  private eventType = '';

  push(chunk: string): SseMessage[] {
    const messages: SseMessage[] = [];
    let start = 0;
    if (this.pendingCr && chunk.startsWith('\n')) start = 1;
    this.pendingCr = false;
    for (let i = start; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      this.line += chunk.slice(start, i);
      this.processLine(this.line, messages);
      this.line = '';
      if (c === 0x0d) {
        if (i + 1 === chunk.length) this.pendingCr = true;
        else if (chunk.charCodeAt(i + 1) === 0x0a) i++;
      }
      start = i + 1;
    }
    this.line += chunk.slice(start);
    return messages;
  }

  private processLine(line: string, messages: SseMessage[]): void {
    if (line === '') return this.dispatch(messages);
    if (line.startsWith(':')) return; // a comment: keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(messages: SseMessage[]): void {
    if (this.data.length > 0) {
      messages.push({ event: this.eventType || 'message', data: this.data.join('\n'), id: this.lastEventId });
    }
    this.data = [];
    this.eventType = '';
  }
}
