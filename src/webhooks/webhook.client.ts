import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import axios, { AxiosError } from 'axios';
import { Webhook } from 'standardwebhooks';
import { ClientConfig, webhookSecretsOf } from '../clients/client.config';
import { AppConfig } from '../config/app.config';
import { parseRetryAfter } from '../common/retry-after';
import { WebhookTargetPolicy } from '../config/webhook-target.policy';
import { WebhookTargetRefusedError, refusingLookup } from './webhook-target';

/** What a webhook carries: an approval's event, or a `webhook.test` event. */
export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  data: unknown;
}

export const USER_AGENT = 'stepup-orchestrator-webhooks/1';

/**
 * How one attempt ended. Only 2xx is success; 410 means the receiver wants no more of it; `refused`
 * means we will not call that target (see webhook-target.ts): like 410, it is final.
 */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'gone'; statusCode: 410 }
  | { kind: 'refused'; statusCode?: undefined; error: string; retryAfterMs?: undefined }
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
 * Most of an answer's body read off (and thrown away) so that its connection can carry the next
 * delivery; a longer body closes the connection instead. Receivers answer a few bytes, if any.
 */
export const MAX_DISCARDED_BODY_BYTES = 16 * 1024;

/**
 * The only code that sends webhooks. Each attempt is signed afresh (Standard Webhooks: same
 * `webhook-id`, new `webhook-timestamp`), with one signature per secret of the client so that a
 * receiver can rotate; redirects are not followed (a 3xx is a failure: the receiver must give its
 * final URL); a whole attempt, body included, is bounded by the timeout; and the agents resolve the
 * host themselves and refuse private, loopback, link-local and metadata addresses (webhook-target.ts).
 */
@Injectable()
export class WebhookClient implements OnApplicationShutdown {
  private readonly targets: WebhookTargetPolicy;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly config: AppConfig) {
    this.targets = new WebhookTargetPolicy(config.webhooks.targets);
    const lookup = refusingLookup(this.targets);
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, lookup });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, lookup });
  }

  /**
   * One attempt for `client`: the URL is checked against the client's configuration as it is now,
   * and signed with every one of its current webhook secrets.
   */
  async sendFor(client: ClientConfig, url: string, event: WebhookEvent): Promise<AttemptReport> {
    const refusal = this.targets.urlRefusal(url, client);
    if (refusal) return { outcome: { kind: 'refused', error: `refused: ${refusal}` }, at: new Date(), durationMs: 0 };
    return this.send(url, event, webhookSecretsOf(client));
  }

  async send(url: string, event: WebhookEvent, secrets: string | readonly string[]): Promise<AttemptReport> {
    const at = new Date();
    const refusal = this.targets.urlRefusal(url);
    const outcome: AttemptOutcome = refusal
      ? { kind: 'refused', error: `refused: ${refusal}` }
      : await this.post(url, event, typeof secrets === 'string' ? [secrets] : secrets, at);
    return { outcome, at, durationMs: Date.now() - at.getTime() };
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /**
   * One CIBA ping (contract v3, "Ping"): `{"auth_req_id": …}` with the client's bearer token, to its
   * configured notificationEndpoint, on the same agents, target policy, timeout and no-redirect rule
   * as webhooks. The token is sent, never logged or stored in clear.
   */
  async ping(client: ClientConfig, authReqId: string, notificationToken: string): Promise<AttemptReport> {
    const at = new Date();
    const url = client.ciba?.notificationEndpoint;
    const refusal = url === undefined ? 'the client has no ciba.notificationEndpoint' : this.targets.urlRefusal(url);
    const outcome: AttemptOutcome = refusal
      ? { kind: 'refused', error: `refused: ${refusal}` }
      : await this.request(url!, JSON.stringify({ auth_req_id: authReqId }), {
          'user-agent': USER_AGENT,
          authorization: `Bearer ${notificationToken}`,
        });
    return { outcome, at, durationMs: Date.now() - at.getTime() };
  }

  private post(url: string, event: WebhookEvent, secrets: readonly string[], at: Date): Promise<AttemptOutcome> {
    const body = JSON.stringify(event);
    return this.request(url, body, {
      'user-agent': USER_AGENT,
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      // Standard Webhooks: several space-separated `v1,…` signatures; a receiver accepts any that verifies.
      'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(event.id, at, body)).join(' '),
    });
  }

  private async request(url: string, body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
    const timeoutMs = this.config.webhooks.timeoutMs;
    try {
      const response = await axios.post(url, Buffer.from(body, 'utf8'), {
        headers: { 'content-type': 'application/json', ...headers },
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        maxRedirects: 0,
        validateStatus: () => true,
        // The answer's body is never kept: a receiver cannot make us buffer anything (see discardBody).
        responseType: 'stream',
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        // An HTTP(S)_PROXY from the environment would be the only address our lookup ever checks.
        proxy: false,
      });
      await discardBody(response.data as Readable);
      const statusCode = response.status;
      if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode };
      if (statusCode === 410) return { kind: 'gone', statusCode };
      const wait = RETRY_AFTER_STATUSES.has(statusCode)
        ? parseRetryAfter(response.headers['retry-after'] as string | undefined)
        : undefined;
      const error = statusCode >= 300 && statusCode < 400 ? `redirect ${statusCode} not followed` : `answered ${statusCode}`;
      return { kind: 'failed', statusCode, error, ...(wait !== undefined && { retryAfterMs: wait }) };
    } catch (err) {
      const refused = refusedBy(err);
      if (refused) return { kind: 'refused', error: `refused: ${refused.message}` };
      return { kind: 'failed', error: describe(err, timeoutMs) };
    }
  }
}

/**
 * Reads the answer's body off and drops it, so that the keep-alive connection goes back to the agent
 * for the next delivery (destroying the body closes it, and every webhook would pay a new TCP and TLS
 * handshake). Receivers answer a few bytes if any, so this ends at once; a body over
 * MAX_DISCARDED_BODY_BYTES closes the connection instead, and one still arriving when the attempt's
 * signal times out is destroyed by axios: a receiver can neither hold the attempt longer than the
 * timeout nor make us read on.
 */
function discardBody(body: Readable): Promise<void> {
  return new Promise((resolve) => {
    let bytes = 0;
    body
      .on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_DISCARDED_BODY_BYTES) body.destroy();
      })
      .once('end', resolve)
      .once('close', resolve)
      // The attempt's abort reaches the body as an error before it closes it: the outcome is already known.
      .once('error', () => undefined);
  });
}

/** Our own refusal from the agents' lookup, however the HTTP library wrapped it. */
function refusedBy(err: unknown): WebhookTargetRefusedError | undefined {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e instanceof WebhookTargetRefusedError) return e;
  }
  return undefined;
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
