import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig } from './app.config';
import { resolveApprovals, resolvePolling } from './approvals.config';
import { DEVELOPMENT_CLIENT, resolveClients } from './clients.config';
import { resolveDemo } from './demo.config';
import { EnvSchema } from './env.schema';
import { resolveEvidence } from './evidence.config';
import { resolveHttp } from './http.config';
import { resolveOidc } from './oidc.config';
import { resolveObservability } from './observability.config';
import { resolveRecognize, resolveSimulator } from './recognize.config';
import { resolveRedis } from './redis.config';
import { resolveRuntime } from './runtime.config';
import { resolveSse } from './sse.config';
import { flattenValidationErrors } from './validation-errors';
import { resolveWebhooks } from './webhooks.config';

// Named here too, where entry points and tests have always found them.
export { DEVELOPMENT_CLIENT } from './clients.config';
export { SIMULATOR_DEFAULT_API_KEY } from './recognize.config';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Reads and validates the environment once. Throws one ConfigError naming every bad variable;
 * messages name variables and rules, never values, so that a secret cannot reach the log. Each
 * section of AppConfig has its resolver beside its types (`resolve…` in `<section>.config.ts`), which
 * adds its problems in the order they are listed here.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const schema = plainToInstance(EnvSchema, stripEmpty(env), { exposeDefaultValues: true });
  problems.push(...flattenValidationErrors(validateSync(schema, { whitelist: false })));

  const production = schema.NODE_ENV === 'production';
  const clients = resolveClients(schema, production, problems);
  const recognize = resolveRecognize(schema, production, problems);
  problems.push(...retiredVariables(env));
  const simulator = resolveSimulator(schema, production, problems);
  const polling = resolvePolling(schema, problems);
  const demo = resolveDemo(schema, production, clients, DEVELOPMENT_CLIENT, problems);
  const runtime = resolveRuntime(schema, problems);
  const redis = resolveRedis(schema, problems);
  const observability = resolveObservability(schema, problems);
  const http = resolveHttp(schema, problems);
  const sse = resolveSse(schema, problems, http);
  const evidence = resolveEvidence(schema, production, problems);
  const webhooks = resolveWebhooks(schema, production, clients ?? [], problems);
  const oidc = resolveOidc(schema, production, problems);
  if (problems.length) throw new ConfigError(problems);

  return {
    nodeEnv: schema.NODE_ENV ?? 'development',
    port: schema.PORT,
    redis,
    recognize,
    simulator,
    ...evidence,
    clients: clients ?? [DEVELOPMENT_CLIENT],
    usesDevelopmentClient: !clients,
    polling,
    approvals: resolveApprovals(schema),
    webhooks,
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

/** Variables that no longer exist: ignoring one would silently run with other settings than its setter asked for. */
function retiredVariables(env: NodeJS.ProcessEnv): string[] {
  // Removed in v2: ignoring it would silently give its setter different limits than the ones asked for.
  return env.RATE_LIMIT_PER_CLIENT_PER_MINUTE === undefined
    ? []
    : ['RATE_LIMIT_PER_CLIENT_PER_MINUTE is replaced by RATE_LIMIT_CREATES and RATE_LIMIT_REQUESTS (per RATE_LIMIT_WINDOW_MS)'];
}

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}
