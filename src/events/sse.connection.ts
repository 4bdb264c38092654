import type { Response } from 'express';

/**
 * One browser following one approval. Deliberately small (a few fields beside the response): an
 * instance is meant to hold ten thousand of these.
 */
export class SseConnection {
  /** Sequence number of the last event written: the dedupe cursor between replay and live events. */
  lastSeq: number;
  /** A catch-up from the approval's log is running; live events wait for it. */
  syncing = false;
  /** A live event arrived during the catch-up: read the log once more before trusting the cursor. */
  dirty = false;
  closed = false;

  constructor(
    readonly approvalId: string,
    readonly response: Response,
    afterSeq: number,
  ) {
    this.lastSeq = afterSeq;
  }

  /** Bytes written but not yet accepted by the socket: a client that stops reading lets this grow. */
  get buffered(): number {
    return this.response.writableLength;
  }

  write(chunk: string): void {
    if (!this.closed) this.response.write(chunk);
  }

  end(chunk?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.response.end(chunk);
  }
}
