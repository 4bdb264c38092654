import { apiKeyWeakness, isKnownExample } from '../clients/secret-strength';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured logs (nestjs-pino) and the admin credential of the queue dashboard. */
export interface ObservabilityConfig {
  logging: {
    level: LogLevel;
    /** Human-readable lines through pino-pretty (a devDependency): development only. */
    pretty: boolean;
    /** File to append the JSON lines to; undefined: stdout. */
    destination?: string;
  };
  /** Unset: the queue dashboard at /admin/queues does not exist. */
  admin?: { username: string; password: string };
  /** Set: /metrics, /docs, /docs-json and readiness details need it as a bearer token. */
  opsToken?: string;
}

export interface ObservabilityEnv {
  NODE_ENV?: string;
  LOG_LEVEL?: LogLevel;
  LOG_PRETTY?: 'true' | 'false';
  LOG_DESTINATION?: string;
  ADMIN_USERNAME?: string;
  ADMIN_PASSWORD?: string;
  OPS_TOKEN?: string;
}

export const ADMIN_PASSWORD_MIN_LENGTH = 12;

export function resolveObservability(env: ObservabilityEnv, problems: string[]): ObservabilityConfig {
  const production = env.NODE_ENV === 'production';
  if (env.LOG_PRETTY === 'true' && production)
    problems.push('LOG_PRETTY must not be true when NODE_ENV=production (pino-pretty is a development tool)');
  if (Boolean(env.ADMIN_USERNAME) !== Boolean(env.ADMIN_PASSWORD))
    problems.push('ADMIN_USERNAME and ADMIN_PASSWORD must be set together (or neither)');
  if (env.ADMIN_PASSWORD && env.ADMIN_PASSWORD.length < ADMIN_PASSWORD_MIN_LENGTH) {
    problems.push(`ADMIN_PASSWORD must be at least ${ADMIN_PASSWORD_MIN_LENGTH} characters`);
  }
  // The dashboard can retry and delete jobs: in production its password is a generated secret, like an
  // API key, so that online guessing is hopeless whatever the lock-out allows.
  const adminPasswordWeakness =
    env.ADMIN_PASSWORD && (isKnownExample(env.ADMIN_PASSWORD) ? 'is a published example value' : apiKeyWeakness(env.ADMIN_PASSWORD));
  if (production && adminPasswordWeakness) problems.push(`ADMIN_PASSWORD ${adminPasswordWeakness} (NODE_ENV=production)`);
  const opsTokenWeakness =
    env.OPS_TOKEN && (isKnownExample(env.OPS_TOKEN) ? 'is a published example value' : apiKeyWeakness(env.OPS_TOKEN));
  if (production && opsTokenWeakness) problems.push(`OPS_TOKEN ${opsTokenWeakness} (NODE_ENV=production)`);
  // Without it /metrics (per-client volumes) and /docs (the whole surface) would be open to anyone who
  // reaches the port: production names its operators.
  if (production && !env.OPS_TOKEN) problems.push('OPS_TOKEN is required when NODE_ENV=production (it guards /metrics and /docs)');
  return {
    logging: {
      // Tests keep their output readable unless they ask for more.
      level: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
      pretty: env.LOG_PRETTY === 'true',
      destination: env.LOG_DESTINATION,
    },
    ...(env.ADMIN_USERNAME && env.ADMIN_PASSWORD && { admin: { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD } }),
    ...(env.OPS_TOKEN && { opsToken: env.OPS_TOKEN }),
  };
}
