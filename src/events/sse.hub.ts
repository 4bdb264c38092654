import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import { ApprovalEvent } from '../approvals/approval-event';
import { ApprovalWaiters } from './approval-waiters';
import { ApprovalsService } from '../approvals/approvals.service';
import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { EventStreamSubscriber } from './event-stream.subscriber';
import { SseConnection } from './sse.connection';
import { sseComment, sseEvent, sseRetry } from './sse.format';

/** Called for every event written to a connection (no secrets in the arguments). */
export type EventWrittenListener = (approvalId: string, type: string, createdAt: string) => void;

/** A client that has not read this much of its stream is cut off; it reconnects and replays from Last-Event-ID. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * This instance's SSE connections, by approval. Live events come from the one EventStreamSubscriber,
 * gaps are filled from the approval's event log, and one timer sends every heartbeat.
 *
 * No per-tick re-check of each approval's log: the subscriber resumes from the last stream id it has
 * seen (lossless while entries are retained) and reports a gap when they may not be, and a connection
 * that sees a sequence number jump reads the log. A periodic check would cost one Redis call per
 * connection per tick, growing with clients, which is what this design avoids.
 */
@Injectable()
export class SseHub implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SseHub.name);
  private readonly followers = new Map<string, Set<SseConnection>>();
  private readonly listeners: EventWrittenListener[] = [];
  private count = 0;
  private heartbeat?: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly approvals: ApprovalsService,
    private readonly subscriber: EventStreamSubscriber,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly waiters: ApprovalWaiters,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.subscriber.start({ onEvent: (id, seq, json) => this.onEvent(id, seq, json), onGap: () => this.onGap() });
    this.heartbeat = setInterval(() => this.onHeartbeat(), this.config.sse.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Open SSE connections on this instance. */
  connectionCount(): number {
    return this.count;
  }

  /** Registers a hook called for every event written to a connection. */
  onEventWritten(listener: EventWrittenListener): void {
    this.listeners.push(listener);
  }

  /**
   * Starts the stream of an approval the caller may follow: headers, retry, the events after
   * `afterSeq`, then live ones until the terminal event. Authorization is the caller's job, before this.
   */
  async open(response: Response, approvalId: string, afterSeq: number): Promise<void> {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    response.socket?.setNoDelay(true);
    response.socket?.setKeepAlive(true);
    if (this.closing) {
      // Shutting down: tell the browser to come back soon, to an instance that is staying.
      response.end(sseRetry(this.shutdownRetryMs()));
      return;
    }
    response.write(sseRetry(this.config.sse.retryMs));
    const connection = new SseConnection(approvalId, response, afterSeq);
    // Registered before the replay: an event arriving meanwhile marks the connection dirty, so nothing falls in between.
    this.add(connection);
    response.on('close', () => this.remove(connection));
    await this.catchUp(connection);
  }

  /** Ends every stream with a retry hint so that browsers reconnect elsewhere (graceful shutdown). */
  closeAll(reason: string): number {
    this.closing = true;
    const connections = [...this.followers.values()].flatMap((set) => [...set]);
    for (const connection of connections) {
      connection.end(sseRetry(this.shutdownRetryMs()));
      this.remove(connection);
    }
    if (connections.length) this.logger.log(`Closed ${connections.length} SSE connections: ${reason}`);
    return connections.length;
  }

  beforeApplicationShutdown(signal?: string): void {
    this.closeAll(signal ? `shutdown (${signal})` : 'shutdown');
  }

  onApplicationShutdown(): void {
    clearInterval(this.heartbeat);
  }

  private onEvent(approvalId: string, seq: number, eventJson: string): void {
    // Long-poll requests (GET …?wait=N) of this approval look again.
    this.waiters.wake(approvalId);
    const connections = this.followers.get(approvalId);
    if (!connections) return;
    const event = JSON.parse(eventJson) as ApprovalEvent;
    const chunk = sseEvent(seq, event.type, eventJson);
    for (const connection of connections) {
      if (connection.syncing) connection.dirty = true;
      else if (seq === connection.lastSeq + 1) this.deliver(connection, seq, event, chunk);
      // A jump means an event of this approval never reached us: read the log.
      else if (seq > connection.lastSeq + 1) void this.catchUp(connection);
    }
  }

  private onGap(): void {
    this.waiters.wakeAll();
    for (const connections of this.followers.values()) {
      for (const connection of connections) void this.catchUp(connection);
    }
  }

  private onHeartbeat(): void {
    const chunk = sseComment('keep-alive');
    for (const connections of this.followers.values()) {
      for (const connection of connections) connection.write(chunk);
    }
  }

  /** Writes the approval's events after the connection's cursor, again while live events arrived meanwhile. */
  private async catchUp(connection: SseConnection): Promise<void> {
    if (connection.syncing) {
      connection.dirty = true;
      return;
    }
    connection.syncing = true;
    try {
      do {
        connection.dirty = false;
        const events = await this.approvals.eventsAfter(connection.approvalId, connection.lastSeq);
        for (const { seq, event } of events) {
          if (connection.closed) return;
          if (seq === connection.lastSeq + 1) this.deliver(connection, seq, event, sseEvent(seq, event.type, JSON.stringify(event)));
        }
      } while (connection.dirty && !connection.closed);
    } catch (err) {
      // The browser reconnects with Last-Event-ID and this runs again on a healthier Redis.
      this.logger.warn(`Replay of ${connection.approvalId} failed (${(err as Error).message}); closing the stream`);
      connection.end();
      this.remove(connection);
    } finally {
      connection.syncing = false;
    }
  }

  private deliver(connection: SseConnection, seq: number, event: ApprovalEvent, chunk: string): void {
    if (connection.closed) return;
    connection.write(chunk);
    connection.lastSeq = seq;
    // The caller has the decision: the event's createdAt is the approval's decision time.
    if (event.type !== 'approval.pending') this.metrics.notified('sse', event.createdAt);
    for (const listener of this.listeners) listener(connection.approvalId, event.type, event.createdAt);
    if (event.type !== 'approval.pending' || connection.buffered > MAX_BUFFERED_BYTES) {
      // After the terminal event there is nothing more to say; a slow reader resumes from its Last-Event-ID.
      connection.end();
      this.remove(connection);
    }
  }

  private add(connection: SseConnection): void {
    let connections = this.followers.get(connection.approvalId);
    if (!connections) this.followers.set(connection.approvalId, (connections = new Set()));
    connections.add(connection);
    this.count += 1;
    this.metrics.sseConnectionsOpen(this.count);
  }

  private remove(connection: SseConnection): void {
    connection.closed = true;
    const connections = this.followers.get(connection.approvalId);
    if (!connections?.delete(connection)) return;
    this.count -= 1;
    this.metrics.sseConnectionsOpen(this.count);
    if (connections.size === 0) this.followers.delete(connection.approvalId);
  }

  /** Spread over [retryMs, 2·retryMs) so that browsers do not all reconnect in the same instant. */
  private shutdownRetryMs(): number {
    return this.config.sse.retryMs * (1 + Math.random());
  }
}
