import type { HttpTransport } from './http.transport.js';
import { sleep } from './http.transport.js';
import { SseParser } from './sse.parser.js';
import { errorFromResponse } from './stepup.errors.js';
import type { Approval, ApprovalEvent } from './types.js';

export interface WaitForDecisionOptions {
  signal?: AbortSignal;
  /**
   * The approval's `eventsUrl`: the stream is then opened with its token rather than the API key,
   * so it counts against the approval's own stream limit, not the client's.
   */
  eventsUrl?: string;
  /** Called with each event received over the stream (replayed ones included). */
  onEvent?: (event: ApprovalEvent) => void;
}

type StreamOutcome =
  | { kind: 'decided'; approval: Approval }
  | { kind: 'ended'; progressed: boolean }
  // 204: the stream already sent the terminal event; a GET says what it was.
  | { kind: 'finished' }
  | { kind: 'unavailable' };

const LONG_POLL_WAIT_S = 30;
// Between two long-polls that came back pending at once (a service that ignores `wait`).
const MIN_POLL_INTERVAL_MS = 1_000;
// Before reconnecting when the server gave no `retry:`.
const DEFAULT_RECONNECT_MS = 1_000;
// Streams in a row that end without a new event before the stream is given up for long-polling.
const MAX_EMPTY_STREAMS = 3;

type GetApproval = (id: string, options: { wait?: number; signal?: AbortSignal }) => Promise<Approval>;

/**
 * Follows one approval until it leaves `pending`: over SSE, resuming with Last-Event-ID after a
 * drop, and by long-polling `GET ?wait=30` when no stream can be had.
 */
export class DecisionWaiter {
  private lastEventId = '';
  private reconnectMs = DEFAULT_RECONNECT_MS;

  constructor(
    private readonly transport: HttpTransport,
    private readonly getApproval: GetApproval,
    private readonly id: string,
    private readonly options: WaitForDecisionOptions,
  ) {}

  async wait(): Promise<Approval> {
    let emptyStreams = 0;
    while (emptyStreams < MAX_EMPTY_STREAMS) {
      const outcome = await this.follow();
      if (outcome.kind === 'decided') return outcome.approval;
      if (outcome.kind !== 'ended') break;
      emptyStreams = outcome.progressed ? 0 : emptyStreams + 1;
      await sleep(this.reconnectMs, this.options.signal);
    }
    return this.longPoll();
  }

  private async follow(): Promise<StreamOutcome> {
    const { signal, eventsUrl } = this.options;
    const headers: Record<string, string> = { accept: 'text/event-stream', ...(eventsUrl ? {} : this.transport.authorization()) };
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    const url = this.transport.url(eventsUrl ?? `/v1/approvals/${encodeURIComponent(this.id)}/events`);
    let response: Response;
    try {
      response = await this.transport.fetch(url, { headers, ...(signal && { signal }) });
    } catch {
      if (signal?.aborted) throw signal.reason;
      return { kind: 'unavailable' };
    }
    if (response.status === 204) return { kind: 'finished' };
    // The approval exists nowhere: long-polling would say the same.
    if (response.status === 404) throw await errorFromResponse(response);
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body || !contentType.startsWith('text/event-stream')) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'unavailable' };
    }
    return this.read(response.body);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<StreamOutcome> {
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let progressed = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of parser.push(decoder.decode(value, { stream: true }))) {
          const event = asApprovalEvent(message.data);
          if (!event) continue;
          this.lastEventId = message.id;
          progressed = true;
          this.options.onEvent?.(event);
          if (event.data.status !== 'pending') {
            await reader.cancel().catch(() => undefined);
            return { kind: 'decided', approval: event.data };
          }
        }
      }
    } catch {
      // A dropped connection ends the read; the caller resumes from lastEventId.
      if (this.options.signal?.aborted) throw this.options.signal.reason;
    } finally {
      if (parser.retry !== undefined) this.reconnectMs = parser.retry;
    }
    return { kind: 'ended', progressed };
  }

  private async longPoll(): Promise<Approval> {
    const { signal } = this.options;
    for (;;) {
      const startedAt = Date.now();
      const approval = await this.getApproval(this.id, { wait: LONG_POLL_WAIT_S, ...(signal && { signal }) });
      if (approval.status !== 'pending') return approval;
      // Still pending at once means the wait was not held; do not spin.
      const elapsed = Date.now() - startedAt;
      if (elapsed < MIN_POLL_INTERVAL_MS) await sleep(MIN_POLL_INTERVAL_MS - elapsed, signal);
    }
  }
}

function asApprovalEvent(data: string): ApprovalEvent | undefined {
  try {
    const event = JSON.parse(data) as Partial<ApprovalEvent> | null;
    if (!event || typeof event.type !== 'string' || !event.type.startsWith('approval.')) return undefined;
    if (!event.data || typeof event.data.status !== 'string') return undefined;
    return event as ApprovalEvent;
  } catch {
    return undefined;
  }
}
