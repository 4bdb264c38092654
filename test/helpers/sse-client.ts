import http from 'node:http';

/** One parsed SSE message, as EventSource would dispatch it (plus the fields it keeps to itself). */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

export type SseItem =
  { kind: 'event'; message: SseMessage } | { kind: 'comment'; text: string } | { kind: 'retry'; ms: number } | { kind: 'end' };

export interface SseOpenOptions {
  headers?: Record<string, string>;
  agent?: http.Agent;
}

/**
 * A Server-Sent Events client over node:http that parses the stream per WHATWG HTML §9.2 (fields id,
 * event, data, retry; comments; CR, LF and CRLF line ends) and lets a test await the next item.
 */
export class SseClient {
  readonly items: SseItem[] = [];
  private readonly waiters = new Set<() => void>();
  private buffer = '';
  private pending: { id?: string; event?: string; data: string[] } = { data: [] };
  private cursor = 0;
  private request?: http.ClientRequest;

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    readonly body: string,
  ) {}

  /** Opens `url` and resolves once the response head (and, for a non-200 answer, its body) has arrived. */
  static open(url: string, options: SseOpenOptions = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { headers: { accept: 'text/event-stream', ...options.headers }, agent: options.agent }, (response) => {
        response.setEncoding('utf8');
        if (response.statusCode !== 200) {
          let body = '';
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(new SseClient(response.statusCode ?? 0, response.headers, body)));
          return;
        }
        const client = new SseClient(200, response.headers, '');
        client.request = request;
        response.on('data', (chunk: string) => client.feed(chunk));
        response.on('end', () => client.push({ kind: 'end' }));
        response.on('error', () => client.push({ kind: 'end' }));
        resolve(client);
      });
      request.on('error', reject);
    });
  }

  get events(): SseMessage[] {
    return this.items.flatMap((item) => (item.kind === 'event' ? [item.message] : []));
  }

  get ended(): boolean {
    return this.items.some((item) => item.kind === 'end');
  }

  /** The next event (skipping comments and retry lines), in arrival order. */
  async nextEvent(timeoutMs = 20_000): Promise<SseMessage> {
    const item = await this.next((i) => i.kind === 'event' || i.kind === 'end', timeoutMs);
    if (item.kind !== 'event') throw new Error(`stream ended; saw ${JSON.stringify(this.items)}`);
    return item.message;
  }

  async nextComment(timeoutMs = 20_000): Promise<string> {
    const item = await this.next((i) => i.kind === 'comment' || i.kind === 'end', timeoutMs);
    if (item.kind !== 'comment') throw new Error('stream ended before a comment');
    return item.text;
  }

  /** Resolves when the server has ended the stream. */
  async end(timeoutMs = 20_000): Promise<void> {
    if (this.ended) return;
    await this.wait(() => this.ended, timeoutMs, 'the end of the stream');
  }

  /** Waits until `predicate` holds for the items received so far. */
  wait(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; saw ${JSON.stringify(this.items)}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Drops the connection from the client side, as a closed browser tab does. */
  close(): void {
    this.request?.destroy();
  }

  private async next(matches: (item: SseItem) => boolean, timeoutMs: number): Promise<SseItem> {
    let found: SseItem | undefined;
    await this.wait(
      () => {
        while (!found && this.cursor < this.items.length) {
          const item = this.items[this.cursor++];
          if (matches(item)) found = item;
        }
        return found !== undefined;
      },
      timeoutMs,
      'matching item',
    );
    return found as SseItem;
  }

  private feed(chunk: string): void {
    let text = this.buffer + chunk;
    // A trailing CR may be the first half of a CRLF split across chunks: keep it for the next chunk.
    const held = text.endsWith('\r') ? '\r' : '';
    if (held) text = text.slice(0, -1);
    const lines = text.split(/\r\n|\r|\n/);
    // The last piece has no line end yet.
    this.buffer = (lines.pop() ?? '') + held;
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.pending.data.length) {
        this.push({
          kind: 'event',
          message: { id: this.pending.id, event: this.pending.event ?? 'message', data: this.pending.data.join('\n') },
        });
      }
      this.pending = { id: this.pending.id, data: [] };
      return;
    }
    if (line.startsWith(':')) {
      this.push({ kind: 'comment', text: line.slice(1).replace(/^ /, '') });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.pending.data.push(value);
    else if (field === 'event') this.pending.event = value;
    else if (field === 'id' && !value.includes('\0')) this.pending.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.push({ kind: 'retry', ms: Number(value) });
  }

  private push(item: SseItem): void {
    this.items.push(item);
    this.waiters.forEach((w) => w());
  }
}
