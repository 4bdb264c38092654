import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SseHub } from '../events/sse.hub';
import type { RecognizeObservation } from '../recognize/recognize.client';
import { QueuesService } from './queues.service';

/** Where a decision reached the calling app. */
export type NotificationChannel = 'webhook' | 'sse';

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;
/** BullMQ's connection waits for Redis forever; a scrape must not. */
const QUEUE_READ_TIMEOUT_MS = 2000;

/**
 * Every metric the service exports, in one registry per application instance (not prom-client's
 * global one: two apps in one process, as in the e2e tests, must not collide).
 * Labels are bounded: client ids come from config, statuses and outcomes from fixed sets, routes
 * are path templates. Never an approval id, user id, URL or secret.
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap {
  readonly registry = new Registry();

  private readonly approvalsCreated = new Counter({
    name: 'stepup_approvals_created_total',
    help: 'Approvals created, by client',
    labelNames: ['client'],
    registers: [this.registry],
  });
  private readonly approvalsFinished = new Counter({
    name: 'stepup_approvals_finished_total',
    help: 'Approvals that reached a terminal status, by client and status',
    labelNames: ['client', 'status'],
    registers: [this.registry],
  });
  private readonly decisionSeconds = new Histogram({
    name: 'stepup_approval_decision_seconds',
    help: 'Time from creation to the terminal status, by status',
    labelNames: ['status'],
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });
  private readonly notificationSeconds = new Histogram({
    name: 'stepup_notification_latency_seconds',
    help: 'Time from the decision being stored to the caller having it (webhook answered 2xx, SSE event written)',
    labelNames: ['channel'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  private readonly polls = new Counter({
    name: 'stepup_polls_total',
    help: 'Status polls of Recognize operations, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly recognizeSeconds = new Histogram({
    name: 'stepup_recognize_request_duration_seconds',
    help: 'Duration of requests to Recognize, by route template and outcome',
    labelNames: ['route', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly recognizeErrors = new Counter({
    name: 'stepup_recognize_errors_total',
    help: 'Failed requests to Recognize, by route template and kind (timeout, connection, upstream_error, throttled, not_found, …)',
    labelNames: ['route', 'kind'],
    registers: [this.registry],
  });
  private readonly webhookAttempts = new Counter({
    name: 'stepup_webhook_attempts_total',
    help: 'Webhook delivery attempts, by client and result (success, http_error, timeout, connection, …)',
    labelNames: ['client', 'result'],
    registers: [this.registry],
  });
  private readonly webhookDeadLetters = new Counter({
    name: 'stepup_webhook_dead_letters_total',
    help: 'Webhook deliveries given up after the last retry, by client',
    labelNames: ['client'],
    registers: [this.registry],
  });
  private sseHub?: SseHub;
  private readonly sseConnections: Gauge = new Gauge({
    name: 'stepup_sse_connections_open',
    help: 'Server-Sent Events streams currently open on this instance',
    registers: [this.registry],
    collect: (): void => this.sseConnections.set(this.sseHub?.connectionCount() ?? 0),
  });

  /** The last Recognize call this instance made, for the readiness report. */
  lastRecognize?: RecognizeObservation & { at: string };

  constructor(queues: QueuesService, private readonly moduleRef: ModuleRef) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'stepup_queue_jobs',
      help: 'BullMQ jobs by queue and state (read from Redis at scrape time)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        // Redis down: the scrape still answers, with the last known depths.
        const read = Promise.all(queues.queues().map(async (q) => ({ name: q.name, jobs: await q.getJobCounts(...QUEUE_STATES) })));
        const counts = await withTimeout(read, QUEUE_READ_TIMEOUT_MS).catch(() => undefined);
        if (!counts) return;
        this.reset();
        for (const { name, jobs } of counts) for (const state of QUEUE_STATES) this.set({ queue: name, state }, jobs[state] ?? 0);
      },
    });
  }

  /** The SSE hub exposes its own hooks; it is absent when a process serves no API. */
  onApplicationBootstrap(): void {
    this.sseHub = this.optional(SseHub);
    this.sseHub?.onEventWritten((_approvalId, type, createdAt) => {
      if (type !== 'approval.pending') this.notified('sse', createdAt);
    });
  }

  approvalCreated(clientId: string): void {
    this.approvalsCreated.inc({ client: clientId });
  }

  approvalFinished(approval: { clientId: string; status: string; createdAt: string; decidedAt?: string }): void {
    this.approvalsFinished.inc({ client: approval.clientId, status: approval.status });
    const seconds = secondsBetween(approval.createdAt, approval.decidedAt);
    if (seconds !== undefined) this.decisionSeconds.observe({ status: approval.status }, seconds);
  }

  /** The caller has the decision: `decidedAt` is the approval's decision time. */
  notified(channel: NotificationChannel, decidedAt: string | undefined): void {
    const seconds = secondsBetween(decidedAt, new Date().toISOString());
    if (seconds !== undefined) this.notificationSeconds.observe({ channel }, seconds);
  }

  pollFinished(outcome: string): void {
    this.polls.inc({ outcome });
  }

  /** The RecognizeClient's observer. */
  recognizeRequest(observation: RecognizeObservation): void {
    this.lastRecognize = { ...observation, at: new Date().toISOString() };
    this.recognizeSeconds.observe({ route: observation.route, outcome: observation.outcome }, observation.durationMs / 1000);
    if (observation.outcome !== 'ok') this.recognizeErrors.inc({ route: observation.route, kind: observation.outcome });
  }

  webhookAttempt(clientId: string, result: string): void {
    this.webhookAttempts.inc({ client: clientId, result });
  }

  webhookDeadLetter(clientId: string): void {
    this.webhookDeadLetters.inc({ client: clientId });
  }

  private optional<T>(token: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch {
      return undefined;
    }
  }

}

function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}

/** Rejects when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
