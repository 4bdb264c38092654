import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { ClientConfig } from '../clients/client.config';
import { ClientList } from '../clients/clients.schema';
import { AppConfig } from './app.config';
import { resolveDemo } from './demo.config';
import { resolveOperations } from './operations.config';
import { resolveObservability } from './observability.config';
import { EnvSchema } from './env.schema';
import { resolveSse } from './sse.config';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The development client used when CLIENTS is unset (refused in production). */
export const DEVELOPMENT_CLIENT: ClientConfig = {
  id: 'dev-client',
  apiKey: 'dev-client-key-change-me',
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
  problems.push(...flatten(validateSync(schema, { whitelist: false })));

  const production = schema.NODE_ENV === 'production';
  const clients = parseClients(schema.CLIENTS, problems);
  if (!schema.CLIENTS && production) problems.push('CLIENTS is required when NODE_ENV=production');
  if (!schema.RECOGNIZE_BASE_URL && production) {
    problems.push('RECOGNIZE_BASE_URL is required when NODE_ENV=production (the simulator is for development only)');
  }
  if (schema.RECOGNIZE_BASE_URL && !schema.RECOGNIZE_API_KEY) {
    problems.push('RECOGNIZE_API_KEY is required when RECOGNIZE_BASE_URL is set');
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
  const operations = resolveOperations(schema, problems);
  const observability = resolveObservability(schema, problems);
  const sse = resolveSse(schema, problems);
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
    clients: clients ?? [DEVELOPMENT_CLIENT],
    usesDevelopmentClient: !clients,
    polling: { intervalMs: schema.POLL_INTERVAL_MS, concurrency: schema.POLL_CONCURRENCY, tickMs: schema.POLL_TICK_MS, leaseMs: schema.POLL_LEASE_MS },
    approvals: { defaultTimeoutS: schema.APPROVAL_TIMEOUT_S, retentionS: schema.APPROVAL_RETENTION_S },
    webhooks: {
      timeoutMs: schema.WEBHOOK_TIMEOUT_MS,
      retryHorizonS: schema.WEBHOOK_RETRY_HORIZON_S,
      retryBaseMs: schema.WEBHOOK_RETRY_BASE_MS,
      concurrency: schema.WEBHOOK_CONCURRENCY,
    },
    demo,
    operations,
    ...observability,
    sse,
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

function parseClients(raw: string | undefined, problems: string[]): ClientConfig[] | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('CLIENTS must be a JSON array of clients');
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    problems.push('CLIENTS must be a non-empty JSON array of clients');
    return undefined;
  }
  const list = plainToInstance(ClientList, { clients: parsed });
  const before = problems.length;
  problems.push(...flatten(validateSync(list, { forbidUnknownValues: true })).map((p) => `CLIENTS${p.replace(/^clients/, '')}`));
  const ids = list.clients.map((c) => c.id);
  if (new Set(ids).size !== ids.length) problems.push('CLIENTS ids must be unique');
  const keys = list.clients.map((c) => c.apiKey);
  if (new Set(keys).size !== keys.length) problems.push('CLIENTS apiKeys must be unique');
  // Webhooks are always signed: a client that can receive them must have a secret to verify them with.
  list.clients.forEach((c, i) => {
    if ((c.webhookUrl || c.callbackOrigins?.length) && !c.webhookSecret) {
      problems.push(`CLIENTS[${i}] needs a webhookSecret when webhookUrl or callbackOrigins is set (webhooks are always signed)`);
    }
  });
  if (problems.length > before) return undefined;
  return list.clients.map((c) => ({
    id: c.id,
    apiKey: c.apiKey,
    webhookUrl: c.webhookUrl,
    webhookSecret: c.webhookSecret,
    callbackOrigins: (c.callbackOrigins ?? []).map((o) => new URL(o).origin),
  }));
}

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

function flatten(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((e) => {
    const name = path ? `${path}[${e.property}]` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `${path}${m}` : `${name}: ${m}`));
    return [...own, ...flatten(e.children ?? [], name)];
  });
}

