import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { NODE_ENVS, NodeEnv } from './node-env';
import { RuntimeEnvSchema } from './env-runtime.schema';

/** process.env as the service accepts it. Every field names a variable of the contract or of the README. */
export class EnvSchema extends RuntimeEnvSchema {
  // Anything else (prod, Production, staging) would silently run with the development defaults.
  @IsOptional()
  @IsIn(NODE_ENVS, { message: `NODE_ENV must be one of ${NODE_ENVS.join(', ')} (got "$value")` })
  NODE_ENV?: NodeEnv;

  // Proxies in front of the service (see http.config.ts): decides the caller address of per-address limits.
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  // Braces allowed so that a hash-tagged prefix ({stepup}) keeps every key in one Redis Cluster slot.
  @IsOptional()
  @Matches(/^[A-Za-z0-9_{}.-]{1,64}$/, { message: 'REDIS_PREFIX must be 1-64 chars of [A-Za-z0-9_{}.-]' })
  REDIS_PREFIX = 'stepup';

  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'RECOGNIZE_BASE_URL must be an http(s) URL' },
  )
  RECOGNIZE_BASE_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  RECOGNIZE_API_KEY?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  RECOGNIZE_TIMEOUT_MS = 10_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  RECOGNIZE_BREAKER_THRESHOLD = 10;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  RECOGNIZE_BREAKER_HALF_OPEN_MS = 5000;

  // Signed transactions and receipts (see evidence.config.ts).
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'RECOGNIZE_JWKS_URL must be an http(s) URL' },
  )
  RECOGNIZE_JWKS_URL?: string;

  @IsOptional()
  @Matches(/^\/[A-Za-z0-9._~/-]*$/, { message: 'RECOGNIZE_PUBLIC_KEY_PATH must be a path starting with /' })
  RECOGNIZE_PUBLIC_KEY_PATH?: string;

  @IsOptional()
  @Matches(/^\/[A-Za-z0-9._~/-]*$/, { message: 'RECOGNIZE_VERIFY_JWT_PATH must be a path starting with /' })
  RECOGNIZE_VERIFY_JWT_PATH?: string;

  // The contract's 30 s; lower only in tests that rotate keys.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  RECOGNIZE_JWKS_COOLDOWN_MS = 30_000;

  @IsOptional()
  @IsString()
  RECEIPT_SIGNING_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  RECEIPT_ISSUER = 'stepup-orchestrator';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  SIMULATOR_PORT = 0;

  // The Recognize simulator's control API (/_sim) for the demo's phone panel; development only.
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'SIMULATOR_CONTROL_URL must be an http(s) URL' },
  )
  SIMULATOR_CONTROL_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'SIMULATOR_CONTROL_TOKEN must be at least 16 characters' })
  SIMULATOR_CONTROL_TOKEN?: string;

  @IsOptional()
  @IsString()
  CLIENTS?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  POLL_INTERVAL_MS = 1000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  POLL_CONCURRENCY = 200;

  // How often each instance looks for due polls; a poll runs at most this much after its time (half
  // of it on average). 50 ms keeps that within the 50 ms margin of the latency target at a 1 s interval.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(5000)
  POLL_TICK_MS = 50;

  // How long a claimed poll is leased: after a crash it is polled again once this has passed.
  // Keep it above RECOGNIZE_TIMEOUT_MS, or a slow poll could be claimed a second time.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  POLL_LEASE_MS = 30_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  APPROVAL_TIMEOUT_S = 300;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(90 * 86_400)
  APPROVAL_RETENTION_S = 7 * 86_400;

  // Per attempt: Standard Webhooks asks senders to wait 15-30 s for an answer.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  WEBHOOK_TIMEOUT_MS = 15_000;

  // Retries of one delivery stop this long after its first attempt (then it is dead-lettered).
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  WEBHOOK_RETRY_HORIZON_S = 86_400;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS = 1000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_CONCURRENCY = 50;

  // Webhook targets (see webhook-targets.config.ts): exceptions to the refusal of private addresses.
  @IsOptional()
  @IsString()
  WEBHOOK_ALLOWED_HOSTS?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'WEBHOOK_ALLOW_LOOPBACK must be true or false' })
  WEBHOOK_ALLOW_LOOPBACK?: 'true' | 'false';

  // Default: on outside production, off in production (see demo.config.ts).
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'DEMO_ENABLED must be true or false' })
  DEMO_ENABLED?: 'true' | 'false';

  @IsOptional()
  @IsString()
  @MinLength(1)
  DEMO_CLIENT_ID?: string;

  // The OpenID CIBA front door (see oidc.config.ts): off unless the issuer is set.
  @IsOptional()
  @IsString()
  OIDC_ISSUER?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  CIBA_INTERVAL_S = 5;
}
