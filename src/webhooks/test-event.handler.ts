import { Injectable, Logger } from '@nestjs/common';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { nextAttemptAt } from './delivery-schedule';
import { TestEventJobData } from './delivery.job';
import { WebhookClient } from './webhook.client';

export type TestEventResult =
  { kind: 'done'; state: 'delivered' | 'dead' | 'skipped' } | { kind: 'again'; atMs: number; data: TestEventJobData };

/**
 * One attempt at a `webhook.test` event: the client's webhookUrl and secrets as configured now,
 * the same signing, target policy and retry schedule as an approval's delivery. It belongs to no
 * approval, so its outcome is logged and counted, not stored.
 */
@Injectable()
export class TestEventHandler {
  private readonly logger = new Logger(TestEventHandler.name);

  constructor(
    private readonly clients: ClientsRegistry,
    private readonly webhooks: WebhookClient,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async handle(data: TestEventJobData): Promise<TestEventResult> {
    const { clientId, event } = data;
    const client = this.clients.findById(clientId);
    if (!client?.webhookUrl || !client.webhookSecret) return { kind: 'done', state: 'skipped' };
    const { outcome } = await this.webhooks.sendFor(client, client.webhookUrl, event);
    this.metrics.webhookAttempt(clientId, outcome.kind === 'delivered' ? 'success' : outcome.kind);
    if (outcome.kind === 'delivered') {
      this.logger.log({ clientId, eventId: event.id }, `Test event ${event.id} delivered to client ${clientId}`);
      return { kind: 'done', state: 'delivered' };
    }
    const round = data.attempt + 1;
    const atMs =
      outcome.kind === 'failed'
        ? nextAttemptAt({
            nowMs: Date.now(),
            attempt: round,
            baseMs: this.config.webhooks.retryBaseMs,
            deadlineMs: data.deadlineMs,
            retryAfterMs: outcome.retryAfterMs,
          })
        : undefined;
    if (atMs === undefined) {
      const error = outcome.kind === 'gone' ? 'answered 410' : outcome.error;
      this.logger.warn({ clientId, eventId: event.id }, `Test event ${event.id} is dead after ${round} attempts: ${error}`);
      return { kind: 'done', state: 'dead' };
    }
    return { kind: 'again', atMs, data: { ...data, attempt: round } };
  }
}
