import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { withTimeout } from '../common/with-timeout';
import { QueuesService } from './queues.service';

/** Where a decision reached the calling app. */
export type NotificationChannel = 'webhook' | 'sse';

/** What a request to send deliveries again did: the label of stepup_webhook_operator_actions_total. */
export type DeliveryAction = 'redeliver' | 'resend' | 'recover' | 'test';

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;
/** BullMQ's connection waits for Redis forever; a scrape must not. */
const QUEUE_READ_TIMEOUT_MS = 2000;

/**
 * Every metric the service exports, in one registry per application instance (not prom-client's
 * global one: two apps in one process, as in the e2e tests, must not collide).
 * Labels are bounded: client ids come from config, statuses and outcomes from fixed sets, routes
 * are path templates. Never an approval id, user id, URL or secret. A leaf: the capabilities push
 * what they observe here, and this depends on none of them.
 */
/**
 * One finished request to Recognize, as the RecognizeClient reports it to its observer: `route` is
 * the path template, `outcome` 'ok' or the failure kind. Defined here, where it is recorded, so that
 * metrics/ sits below recognize/.
 */
export interface RecognizeObservation {
  route: string;
  status?: number;
  outcome: string;
  durationMs: number;
}

@Injectable()
export class MetricsService {
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
  private readonly deliveryActions = new Counter({
    name: 'stepup_webhook_operator_actions_total',
    help: 'Deliveries started again on request, by client and action (redeliver, resend, recover, test)',
    labelNames: ['client', 'action'],
    registers: [this.registry],
  });
  private readonly cibaRequests = new Counter({
    name: 'stepup_ciba_requests_total',
    help: 'CIBA backchannel authentication requests of authenticated clients, by client and outcome (accepted or the OAuth error)',
    labelNames: ['client', 'outcome'],
    registers: [this.registry],
  });
  private readonly cibaTokenAnswers = new Counter({
    name: 'stepup_ciba_token_answers_total',
    help: 'Token endpoint answers to authenticated clients, by answer (tokens or the OAuth error code)',
    labelNames: ['answer'],
    registers: [this.registry],
  });
  private readonly cibaPings = new Counter({
    name: 'stepup_ciba_pings_total',
    help: 'CIBA ping attempts, by outcome (success, http_4xx, http_5xx, no_answer, refused, dead)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly workerRecoveries = new Counter({
    name: 'stepup_queue_worker_recoveries_total',
    help: 'Queue workers found waiting for jobs while jobs were ready, and recovered, by queue',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  private readonly sseConnections = new Gauge({
    name: 'stepup_sse_connections_open',
    help: 'Server-Sent Events streams currently open on this instance',
    registers: [this.registry],
  });

  /** The last Recognize call this instance made, for the readiness report (dated only when read). */
  get lastRecognize(): (RecognizeObservation & { at: string }) | undefined {
    return this.lastObservation && { ...this.lastObservation, at: new Date(this.lastObservedAtMs).toISOString() };
  }
  private lastObservation?: RecognizeObservation;
  private lastObservedAtMs = 0;
  /** The labelled children of the per-poll series, looked up once per label set instead of on every poll. */
  private readonly pollsByOutcome = new Map<string, Counter.Internal>();
  private readonly recognizeSecondsByLabels = new Map<string, Histogram.Internal<'route' | 'outcome'>>();

  constructor(queues: QueuesService) {
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
        // A sharded queue is one queue per shard under one name: its depth is their sum.
        const totals = new Map<string, Record<string, number>>();
        for (const { name, jobs } of counts) {
          const total = totals.get(name) ?? {};
          for (const state of QUEUE_STATES) total[state] = (total[state] ?? 0) + (jobs[state] ?? 0);
          totals.set(name, total);
        }
        for (const [name, jobs] of totals) for (const state of QUEUE_STATES) this.set({ queue: name, state }, jobs[state]);
      },
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

  /** The caller has the decision (webhook answered 2xx, SSE event written): `decidedAt` is the approval's decision time. */
  notified(channel: NotificationChannel, decidedAt: string | undefined): void {
    const seconds = secondsBetween(decidedAt, new Date().toISOString());
    if (seconds !== undefined) this.notificationSeconds.observe({ channel }, seconds);
  }

  pollFinished(outcome: string): void {
    let child = this.pollsByOutcome.get(outcome);
    if (!child) this.pollsByOutcome.set(outcome, (child = this.polls.labels({ outcome })));
    child.inc();
  }

  /** The RecognizeClient's observer. */
  recognizeRequest(observation: RecognizeObservation): void {
    this.lastObservation = observation;
    this.lastObservedAtMs = Date.now();
    const labels = `${observation.route} ${observation.outcome}`;
    let child = this.recognizeSecondsByLabels.get(labels);
    if (!child)
      this.recognizeSecondsByLabels.set(
        labels,
        (child = this.recognizeSeconds.labels({ route: observation.route, outcome: observation.outcome })),
      );
    child.observe(observation.durationMs / 1000);
    if (observation.outcome !== 'ok') this.recognizeErrors.inc({ route: observation.route, kind: observation.outcome });
  }

  webhookAttempt(clientId: string, result: string): void {
    this.webhookAttempts.inc({ client: clientId, result });
  }

  webhookDeadLetter(clientId: string): void {
    this.webhookDeadLetters.inc({ client: clientId });
  }

  /** An operator or integrator sent deliveries again: `count` of them (redeliver, recover) or one (resend, test). */
  deliveryAction(clientId: string, action: DeliveryAction, count = 1): void {
    if (count > 0) this.deliveryActions.inc({ client: clientId, action }, count);
  }

  cibaRequest(clientId: string, outcome: string): void {
    this.cibaRequests.inc({ client: clientId, outcome });
  }

  cibaTokenAnswer(answer: string): void {
    this.cibaTokenAnswers.inc({ answer });
  }

  cibaPing(outcome: string): void {
    this.cibaPings.inc({ outcome });
  }

  /** The worker watchdog replaced a worker of `queue` that waited for jobs while jobs were ready. */
  workerRecovered(queue: string): void {
    this.workerRecoveries.inc({ queue });
  }

  /** Pushed by the SSE hub whenever a stream opens or closes; stays 0 where no API is served. */
  sseConnectionsOpen(count: number): void {
    this.sseConnections.set(count);
  }
}

function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}
