import { Injectable, Logger } from '@nestjs/common';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { nextAttemptAt } from '../webhooks/delivery-schedule';
import { WebhookClient } from '../webhooks/webhook.client';
import { CibaRequestsStore } from './ciba-requests.store';
import { PingJobData } from './ping.job';

export type PingResult = { kind: 'done'; state: 'delivered' | 'dead' | 'skipped' } | { kind: 'again'; atMs: number; data: PingJobData };

/**
 * One attempt at one ping, retried on the webhook schedule. Idempotent: the ping record is read
 * each run and removed once the ping is delivered or given up, so a repeated job sends nothing.
 */
@Injectable()
export class PingHandler {
  private readonly logger = new Logger(PingHandler.name);

  constructor(
    private readonly requests: CibaRequestsStore,
    private readonly clients: ClientsRegistry,
    private readonly webhooks: WebhookClient,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async handle(data: PingJobData): Promise<PingResult> {
    const { approvalId } = data;
    const ping = await this.requests.pingOf(approvalId);
    if (ping === undefined) return { kind: 'done', state: 'skipped' };
    const client = this.clients.findById(ping.clientId);
    const { secrets } = ping;
    if (secrets === 'unreadable' || !client) {
      await this.requests.endPing(approvalId);
      this.metrics.cibaPing('dead');
      this.logger.warn({ approvalId }, `Ping for approval ${approvalId} dropped: its record is no longer readable`);
      return { kind: 'done', state: 'dead' };
    }
    const { outcome } = await this.webhooks.ping(client, secrets.authReqId, secrets.notificationToken);
    this.metrics.cibaPing(outcomeLabel(outcome));
    if (outcome.kind === 'delivered') {
      await this.requests.endPing(approvalId);
      return { kind: 'done', state: 'delivered' };
    }
    const attempt = data.attempt + 1;
    const atMs =
      outcome.kind === 'failed'
        ? nextAttemptAt({
            nowMs: Date.now(),
            attempt,
            baseMs: this.config.webhooks.retryBaseMs,
            deadlineMs: data.deadlineMs,
            retryAfterMs: outcome.retryAfterMs,
          })
        : undefined;
    if (atMs === undefined) {
      await this.requests.endPing(approvalId);
      this.metrics.cibaPing('dead');
      const error = outcome.kind === 'gone' ? 'answered 410' : outcome.error;
      this.logger.warn({ approvalId, attempts: attempt }, `Ping for approval ${approvalId} is dead after ${attempt} attempts: ${error}`);
      return { kind: 'done', state: 'dead' };
    }
    return { kind: 'again', atMs, data: { ...data, attempt } };
  }
}

function outcomeLabel(outcome: { kind: string; statusCode?: number }): string {
  if (outcome.kind === 'delivered') return 'success';
  if (outcome.kind === 'gone' || outcome.kind === 'refused') return outcome.kind;
  return outcome.statusCode !== undefined ? `http_${Math.floor(outcome.statusCode / 100)}xx` : 'no_answer';
}
