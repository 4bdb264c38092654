import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ClientConfig } from '../clients/client.config';
import { isKnownExample } from '../clients/secret-strength';
import { AppConfig } from './app.config';
import { parseClients } from './clients.config';
import { resolveDemo } from './demo.config';
import { resolveEvidence } from './evidence.config';
import { resolveHttp } from './http.config';
import { resolveOidc } from './oidc.config';
import { resolveRuntime } from './runtime.config';
import { resolveObservability } from './observability.config';
import { EnvSchema } from './env.schema';
import { resolveSse } from './sse.config';
import { flattenValidationErrors } from './validation-errors';
import { WebhookTargetsConfig, resolveWebhookTargets } from './webhook-targets.config';
import { WebhookTargetPolicy } from '../webhooks/webhook-target';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The development client used when CLIENTS is unset (refused in production). */
export const DEVELOPMENT_CLIENT: ClientConfig = {
  id: 'dev-client',
  apiKey: 'dev-client-key-change-me',
  apiKeys: ['dev-client-key-change-me'],
  webhookSecrets: [],
  callbackOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
};

/** The API key the bundled simulator accepts when RECOGNIZE_API_KEY is unset. */
export const SIMULATOR_DEFAULT_API_KEY = 'simulator-api-key';

/**
 * Reads and validates the environment once. Throws one ConfigError naming every bad variable;
 * messages name variables and rules, never values, so that a secret cannot reach the log.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const schema = plainToInstance(EnvSchema, stripEmpty(env), { exposeDefaultValues: true });
  problems.push(...flattenValidationErrors(validateSync(schema, { whitelist: false })));

  const production = schema.NODE_ENV === 'production';
  const clients = parseClients(schema.CLIENTS, production, problems);
  if (!schema.CLIENTS && production) problems.push('CLIENTS is required when NODE_ENV=production');
  if (!schema.RECOGNIZE_BASE_URL && production) {
    problems.push('RECOGNIZE_BASE_URL is required when NODE_ENV=production (the simulator is for development only)');
  }
  // The Recognize key travels in a header: never in clear outside development.
  if (schema.RECOGNIZE_BASE_URL && production && !/^https:/i.test(schema.RECOGNIZE_BASE_URL)) {
    problems.push('RECOGNIZE_BASE_URL must be https when NODE_ENV=production');
  }
  if (schema.RECOGNIZE_BASE_URL && !schema.RECOGNIZE_API_KEY) {
    problems.push('RECOGNIZE_API_KEY is required when RECOGNIZE_BASE_URL is set');
  }
  if (production && schema.RECOGNIZE_API_KEY && isKnownExample(schema.RECOGNIZE_API_KEY)) {
    problems.push("RECOGNIZE_API_KEY is a published example value (the simulator's) (NODE_ENV=production)");
  }
  // Removed in v2: ignoring it would silently give its setter different limits than the ones asked for.
  if (env.RATE_LIMIT_PER_CLIENT_PER_MINUTE !== undefined) {
    problems.push('RATE_LIMIT_PER_CLIENT_PER_MINUTE is replaced by RATE_LIMIT_CREATES and RATE_LIMIT_REQUESTS (per RATE_LIMIT_WINDOW_MS)');
  }
  if (schema.SIMULATOR_CONTROL_URL && production) {
    problems.push('SIMULATOR_CONTROL_URL is refused when NODE_ENV=production (the simulator is for development only)');
  }
  if (schema.SIMULATOR_CONTROL_URL && !schema.SIMULATOR_CONTROL_TOKEN) {
    problems.push('SIMULATOR_CONTROL_TOKEN is required when SIMULATOR_CONTROL_URL is set');
  }
  // A claimed poll is leased: a lease shorter than one Recognize request could let a second poll of
  // the same operation start while the first is still waiting for its answer.
  if (schema.POLL_LEASE_MS <= schema.RECOGNIZE_TIMEOUT_MS) {
    problems.push('POLL_LEASE_MS must be greater than RECOGNIZE_TIMEOUT_MS (a poll must end before its lease does)');
  }
  const demo = resolveDemo(schema, production, clients, DEVELOPMENT_CLIENT, problems);
  const runtime = resolveRuntime(schema, problems);
  const observability = resolveObservability(schema, problems);
  const sse = resolveSse(schema, problems);
  const http = resolveHttp(schema, problems);
  const evidence = resolveEvidence(schema, production, problems);
  const targets = resolveWebhookTargets(schema, production, problems);
  const oidc = resolveOidc(schema, production, problems);
  // Sending would refuse them anyway; in production say so at start rather than at the first webhook.
  if (production) problems.push(...refusedTargets(clients ?? [], targets));
  if (problems.length) throw new ConfigError(problems);

  return {
    nodeEnv: schema.NODE_ENV ?? 'development',
    port: schema.PORT,
    redis: { url: schema.REDIS_URL, prefix: schema.REDIS_PREFIX },
    recognize: {
      baseUrl: schema.RECOGNIZE_BASE_URL?.replace(/\/+$/, ''),
      apiKey: schema.RECOGNIZE_API_KEY ?? SIMULATOR_DEFAULT_API_KEY,
      requestTimeoutMs: schema.RECOGNIZE_TIMEOUT_MS,
      breaker: { threshold: schema.RECOGNIZE_BREAKER_THRESHOLD, halfOpenAfterMs: schema.RECOGNIZE_BREAKER_HALF_OPEN_MS },
    },
    simulator: {
      port: schema.SIMULATOR_PORT,
      controlUrl: schema.SIMULATOR_CONTROL_URL?.replace(/\/+$/, ''),
      controlToken: schema.SIMULATOR_CONTROL_TOKEN,
    },
    ...evidence,
    clients: clients ?? [DEVELOPMENT_CLIENT],
    usesDevelopmentClient: !clients,
    polling: {
      intervalMs: schema.POLL_INTERVAL_MS,
      concurrency: schema.POLL_CONCURRENCY,
      tickMs: schema.POLL_TICK_MS,
      leaseMs: schema.POLL_LEASE_MS,
    },
    approvals: { defaultTimeoutS: schema.APPROVAL_TIMEOUT_S, retentionS: schema.APPROVAL_RETENTION_S },
    webhooks: {
      timeoutMs: schema.WEBHOOK_TIMEOUT_MS,
      retryHorizonS: schema.WEBHOOK_RETRY_HORIZON_S,
      retryBaseMs: schema.WEBHOOK_RETRY_BASE_MS,
      concurrency: schema.WEBHOOK_CONCURRENCY,
      clientConcurrency: Math.min(schema.WEBHOOK_CLIENT_CONCURRENCY, schema.WEBHOOK_CONCURRENCY),
      targets,
    },
    demo,
    runtime,
    ...observability,
    sse,
    http,
    oidc,
  };
}

/**
 * For entry points: the configuration, or the list of problems on stderr and exit code 1.
 * Outside production a `.env` file in the working directory is read first; variables already set
 * in the environment win over it.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  if (env.NODE_ENV !== 'production' && existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
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

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}
