import * as http from 'node:http';
import * as https from 'node:https';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import axios, { AxiosError } from 'axios';
import { Webhook } from 'standardwebhooks';
import { ApprovalEvent } from '../approvals/approval-event';
import { AppConfig } from '../config/app.config';
import { parseRetryAfter } from '../common/retry-after';

export const USER_AGENT = 'stepup-orchestrator-webhooks/1';

/** How one attempt ended. Only 2xx is success; 410 means the receiver wants no more of it. */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'gone'; statusCode: 410 }
  | { kind: 'failed'; statusCode?: number; error: string; retryAfterMs?: number };

/** What one attempt did; the one place to observe deliveries (metrics hook here). */
export interface AttemptReport {
  outcome: AttemptOutcome;
  at: Date;
  durationMs: number;
}

/** Statuses whose Retry-After we honour: throttling and a declared temporary outage. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * The only code that sends webhooks. Each attempt is signed afresh (Standard Webhooks: same
 * `webhook-id`, new `webhook-timestamp`), redirects are not followed (a 3xx is a failure: the
 * receiver must give its final URL) and a whole attempt, body included, is bounded by the timeout.
 */
@Injectable()
export class WebhookClient implements OnApplicationShutdown {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly config: AppConfig) {}

  async send(url: string, event: ApprovalEvent, secret: string): Promise<AttemptReport> {
    const at = new Date();
    const outcome = await this.post(url, event, secret, at);
    return { outcome, at, durationMs: Date.now() - at.getTime() };
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async post(url: string, event: ApprovalEvent, secret: string, at: Date): Promise<AttemptOutcome> {
    const body = JSON.stringify(event);
    const timeoutMs = this.config.webhooks.timeoutMs;
    try {
      const response = await axios.post(url, Buffer.from(body, 'utf8'), {
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(event.id, at, body),
        },
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        maxRedirects: 0,
        validateStatus: () => true,
        // The answer's body is never read: a receiver cannot make us buffer anything.
        responseType: 'stream',
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
      });
      (response.data as NodeJS.ReadableStream & { destroy(): void }).destroy();
      const statusCode = response.status;
      if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode };
      if (statusCode === 410) return { kind: 'gone', statusCode };
      const wait = RETRY_AFTER_STATUSES.has(statusCode) ? parseRetryAfter(response.headers['retry-after'] as string | undefined) : undefined;
      const error = statusCode >= 300 && statusCode < 400 ? `redirect ${statusCode} not followed` : `answered ${statusCode}`;
      return { kind: 'failed', statusCode, error, ...(wait !== undefined && { retryAfterMs: wait }) };
    } catch (err) {
      return { kind: 'failed', error: describe(err, timeoutMs) };
    }
  }
}

/** Our own wording of a transport failure: never the library's message, which may echo a URL or a header. */
function describe(err: unknown, timeoutMs: number): string {
  const code = err instanceof AxiosError ? err.code : (err as { code?: string } | undefined)?.code;
  switch (code) {
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
    case 'ERR_CANCELED':
      return `no answer within ${timeoutMs} ms`;
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    default:
      return typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? `request failed (${code})` : 'request failed';
  }
}
