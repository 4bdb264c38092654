import { ClientConfig } from '../clients/client.config';
import { WebhookTargetPolicy } from './webhook-target.policy';
import { WebhookTargetsConfig, WebhookTargetsEnv, resolveWebhookTargets } from './webhook-targets.config';

export interface WebhooksConfig {
  timeoutMs: number;
  retryHorizonS: number;
  retryBaseMs: number;
  concurrency: number;
  /** Attempts in flight at once for one client in one process: a slow receiver keeps the other slots for other clients. */
  clientConcurrency: number;
  /** Which addresses a webhook may connect to. */
  targets: WebhookTargetsConfig;
}

export interface WebhooksEnv extends WebhookTargetsEnv {
  WEBHOOK_TIMEOUT_MS: number;
  WEBHOOK_RETRY_HORIZON_S: number;
  WEBHOOK_RETRY_BASE_MS: number;
  WEBHOOK_CONCURRENCY: number;
  WEBHOOK_CLIENT_CONCURRENCY: number;
}

export function resolveWebhooks(env: WebhooksEnv, production: boolean, clients: ClientConfig[], problems: string[]): WebhooksConfig {
  const targets = resolveWebhookTargets(env, production, problems);
  // Sending would refuse them anyway; in production say so at start rather than at the first webhook.
  if (production) problems.push(...refusedTargets(clients, targets));
  return {
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    retryHorizonS: env.WEBHOOK_RETRY_HORIZON_S,
    retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    concurrency: env.WEBHOOK_CONCURRENCY,
    clientConcurrency: Math.min(env.WEBHOOK_CLIENT_CONCURRENCY, env.WEBHOOK_CONCURRENCY),
    targets,
  };
}

/** Configured webhook targets written as an address the webhook client would refuse (names are checked when connecting). */
function refusedTargets(clients: ClientConfig[], targets: WebhookTargetsConfig): string[] {
  const policy = new WebhookTargetPolicy(targets);
  return clients.flatMap((c, i) => {
    const urls: [string, string][] = [
      ...(c.webhookUrl ? [['webhookUrl', c.webhookUrl] as [string, string]] : []),
      ...c.callbackOrigins.map((o, k): [string, string] => [`callbackOrigins[${k}]`, o]),
      ...(c.ciba?.notificationEndpoint ? [['ciba.notificationEndpoint', c.ciba.notificationEndpoint] as [string, string]] : []),
    ];
    return urls.flatMap(([field, url]) => {
      const refusal = policy.urlRefusal(url);
      return refusal ? [`CLIENTS[${i}] ${field} is ${refusal} (list it in WEBHOOK_ALLOWED_HOSTS if this is deliberate)`] : [];
    });
  });
}
