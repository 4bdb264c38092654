import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OptionalFlag, OptionalHttpUrl, OptionalInt, OptionalString } from './env.decorators';
import { NODE_ENVS, NodeEnv } from './node-env';
import { LOG_LEVELS, LogLevel } from './observability.config';
import { PROCESS_ROLES, ProcessRole } from './runtime.config';

/**
 * process.env as the service accepts it, one section per part of AppConfig (the resolver that reads
 * a section is named in its heading). Every field names a variable of the contract or of the README.
 */
export class EnvSchema {
  // ——— Process (runtime.config.ts): environment, role, port, shutdown ———
  // Anything else (prod, Production, staging) would silently run with the development defaults.
  @IsOptional()
  @IsIn(NODE_ENVS, { message: `NODE_ENV must be one of ${NODE_ENVS.join(', ')} (got "$value")` })
  NODE_ENV?: NodeEnv;

  @IsOptional()
  @IsIn(PROCESS_ROLES, { message: 'ROLE must be one of api, worker, all' })
  ROLE: ProcessRole = 'all';

  @OptionalInt(0, 65535)
  PORT = 3000;

  @OptionalInt(1000, 600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  // ——— Redis (runtime.config.ts for the Cluster, redis.config.ts for the rest) ———
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  // Braces stay allowed on one Redis, where prefixes of earlier versions had them; a cluster refuses
  // them (runtime.config.ts): there the service chooses the hash tags itself (redis/shard-map.ts).
  @IsOptional()
  @Matches(/^[A-Za-z0-9_{}.-]{1,64}$/, { message: 'REDIS_PREFIX must be 1-64 chars of [A-Za-z0-9_{}.-]' })
  REDIS_PREFIX = 'stepup';

  @OptionalString()
  REDIS_CLUSTER_NODES?: string;

  @OptionalInt(1, 1024)
  REDIS_SHARDS?: number;

  // ——— Redis Sentinel and replication (redis.config.ts) ———
  @OptionalString()
  REDIS_SENTINELS?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'REDIS_SENTINEL_NAME must be 1-64 chars of [A-Za-z0-9_.-]' })
  REDIS_SENTINEL_NAME?: string;

  @OptionalInt(0, 10_000)
  REDIS_REPLICA_WAIT_MS?: number;

  // ——— Recognize and the bundled simulator (recognize.config.ts) ———
  @OptionalHttpUrl()
  RECOGNIZE_BASE_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  RECOGNIZE_API_KEY?: string;

  @OptionalInt(100, 120_000)
  RECOGNIZE_TIMEOUT_MS = 10_000;

  @OptionalInt(1, 10_000)
  RECOGNIZE_BREAKER_THRESHOLD = 10;

  @OptionalInt(100, 600_000)
  RECOGNIZE_BREAKER_HALF_OPEN_MS = 5000;

  @OptionalInt(0, 65535)
  SIMULATOR_PORT = 0;

  // The Recognize simulator's control API (/_sim) for the demo's phone panel; development only.
  @OptionalHttpUrl()
  SIMULATOR_CONTROL_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'SIMULATOR_CONTROL_TOKEN must be at least 16 characters' })
  SIMULATOR_CONTROL_TOKEN?: string;

  // ——— Signed transactions and receipts (evidence.config.ts) ———
  @OptionalHttpUrl()
  RECOGNIZE_JWKS_URL?: string;

  @IsOptional()
  @Matches(/^\/[A-Za-z0-9._~/-]*$/, { message: 'RECOGNIZE_PUBLIC_KEY_PATH must be a path starting with /' })
  RECOGNIZE_PUBLIC_KEY_PATH?: string;

  @IsOptional()
  @Matches(/^\/[A-Za-z0-9._~/-]*$/, { message: 'RECOGNIZE_VERIFY_JWT_PATH must be a path starting with /' })
  RECOGNIZE_VERIFY_JWT_PATH?: string;

  // The contract's 30 s; lower only in tests that rotate keys.
  @OptionalInt(0, 3_600_000)
  RECOGNIZE_JWKS_COOLDOWN_MS = 30_000;

  // Key rotation: a kid new to us is fetched for at once, but all instances together fetch the key
  // set at most once per this gap; 0 only in tests.
  @OptionalInt(0, 60_000)
  RECOGNIZE_JWKS_REFETCH_GAP_MS = 1000;

  // Contract v3: when set, the `iss` of every transaction JWT; Recognize's docs do not say what it holds.
  @IsOptional()
  @IsString()
  @MaxLength(2048, { message: 'RECOGNIZE_JWT_ISSUER must be at most 2048 characters' })
  @Matches(/^\S(.*\S)?$/, { message: 'RECOGNIZE_JWT_ISSUER must not start or end with white space' })
  RECOGNIZE_JWT_ISSUER?: string;

  @OptionalString()
  RECEIPT_SIGNING_KEY?: string;

  // A JWK Set of public keys only (evidence.config.ts reads it; messages never echo it).
  @OptionalString()
  RECEIPT_PUBLIC_KEYS?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  RECEIPT_ISSUER = 'stepup-orchestrator';

  // ——— Clients (clients.config.ts) ———
  @OptionalString()
  CLIENTS?: string;

  // ——— Approvals and polling (approvals.config.ts) ———
  @OptionalInt(1, 86_400)
  APPROVAL_TIMEOUT_S = 300;

  @OptionalInt(60, 90 * 86_400)
  APPROVAL_RETENTION_S = 7 * 86_400;

  @OptionalInt(50, 3_600_000)
  POLL_INTERVAL_MS = 1000;

  @OptionalInt(1, 5000)
  POLL_CONCURRENCY = 200;

  // How often each instance looks for due polls; a poll runs at most this much after its time (half
  // of it on average). 50 ms keeps that within the 50 ms margin of the latency target at a 1 s interval.
  @OptionalInt(10, 5000)
  POLL_TICK_MS = 50;

  // How long a claimed poll is leased: after a crash it is polled again once this has passed.
  // Keep it above RECOGNIZE_TIMEOUT_MS, or a slow poll could be claimed a second time.
  @OptionalInt(1000, 600_000)
  POLL_LEASE_MS = 30_000;

  // ——— Webhooks (webhooks.config.ts, webhook-targets.config.ts) ———
  // Per attempt: Standard Webhooks asks senders to wait 15-30 s for an answer.
  @OptionalInt(100, 120_000)
  WEBHOOK_TIMEOUT_MS = 15_000;

  // Retries of one delivery stop this long after its first attempt (then it is dead-lettered).
  @OptionalInt(1, 30 * 86_400)
  WEBHOOK_RETRY_HORIZON_S = 86_400;

  @OptionalInt(10, 3_600_000)
  WEBHOOK_RETRY_BASE_MS = 1000;

  @OptionalInt(1, 1000)
  WEBHOOK_CONCURRENCY = 50;

  // Webhook requests open at once to one client from one worker process (WEBHOOK_CONCURRENCY bounds its deliveries).
  @OptionalInt(1, 1000)
  WEBHOOK_CLIENT_CONCURRENCY = 10;

  // Webhook targets (see webhook-targets.config.ts): exceptions to the refusal of private addresses.
  @OptionalString()
  WEBHOOK_ALLOWED_HOSTS?: string;

  @OptionalFlag()
  WEBHOOK_ALLOW_LOOPBACK?: 'true' | 'false';

  // ——— Rate limits (runtime.config.ts) ———
  // Per client and window (contract v2: never below 100 creations and 1,000 other requests a second by default).
  @OptionalInt(1000, 3_600_000)
  RATE_LIMIT_WINDOW_MS = 1000;

  @OptionalInt(1, 10_000_000)
  RATE_LIMIT_CREATES = 100;

  @OptionalInt(1, 10_000_000)
  RATE_LIMIT_REQUESTS = 1000;

  // Requests without a valid key, per caller address: nothing legitimate lands here, so it can be small.
  @OptionalInt(1, 10_000_000)
  RATE_LIMIT_ANONYMOUS_PER_MINUTE = 600;

  @OptionalInt(1, 10_000)
  USER_MAX_PENDING = 3;

  @OptionalInt(1, 10_000)
  USER_MAX_CREATIONS_PER_MINUTE = 5;

  @OptionalInt(1, 100_000_000)
  CLIENT_MAX_STORED_APPROVALS = 100_000;

  // ——— HTTP server (http.config.ts) ———
  // Proxies in front of the service (see http.config.ts): decides the caller address of per-address limits.
  @OptionalString()
  TRUST_PROXY?: string;

  @OptionalString()
  CORS_ORIGINS?: string;

  // HTTP server hardening (see http.config.ts); SSE streams are not bound by the request timeout.
  // Every process needs a cap: the held-requests caps below are shares of it (http.config.ts).
  @OptionalInt(64, 1_000_000)
  HTTP_MAX_CONNECTIONS = 20_000;

  // Held requests (event streams and ?wait= long-polls) per client and process; unset: a quarter of HTTP_MAX_CONNECTIONS.
  @OptionalInt(1, 1_000_000)
  CLIENT_MAX_HELD_REQUESTS?: number;

  @OptionalInt(1000, 600_000)
  HTTP_HEADERS_TIMEOUT_MS = 20_000;

  @OptionalInt(1000, 3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  // ——— Event streams and eventsUrl tokens (sse.config.ts) ———
  // The contract requires a heartbeat at least every 30 s.
  @OptionalInt(50, 30_000)
  SSE_HEARTBEAT_MS = 15_000;

  @OptionalInt(100, 600_000)
  SSE_RETRY_MS = 3000;

  // SSE connection caps (see sse.config.ts): token streams per approval, streams per client and per process.
  @OptionalInt(1, 1000)
  SSE_MAX_STREAMS_PER_APPROVAL = 3;

  @OptionalInt(1, 1_000_000)
  SSE_MAX_STREAMS_PER_CLIENT = 10_000;

  // Unset: the process's cap on held requests (HTTP_MAX_CONNECTIONS minus a reserve).
  @OptionalInt(1, 1_000_000)
  SSE_MAX_STREAMS_PER_PROCESS?: number;

  // eventsUrl tokens: lifetime from issue, and how long after the terminal event one still opens a stream.
  @OptionalInt(60, 86_400)
  EVENTS_TOKEN_TTL_S = 900;

  @OptionalInt(0, 86_400)
  EVENTS_TOKEN_GRACE_S = 300;

  // ——— Observability (observability.config.ts): logs, the queue dashboard, the ops token ———
  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: LogLevel;

  @OptionalFlag()
  LOG_PRETTY?: 'true' | 'false';

  @IsOptional()
  @IsString()
  @MinLength(1)
  LOG_DESTINATION?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  ADMIN_USERNAME?: string;

  @OptionalString()
  ADMIN_PASSWORD?: string;

  // Set: /metrics, /docs, /docs-json and the readiness details need `Authorization: Bearer <OPS_TOKEN>`.
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'OPS_TOKEN must be at least 16 characters' })
  OPS_TOKEN?: string;

  // ——— Demo (demo.config.ts) ———
  // Default: on outside production, off in production (see demo.config.ts).
  @OptionalFlag()
  DEMO_ENABLED?: 'true' | 'false';

  @IsOptional()
  @IsString()
  @MinLength(1)
  DEMO_CLIENT_ID?: string;

  // Demo POSTs per caller address and minute.
  @OptionalInt(1, 100_000)
  DEMO_RATE_LIMIT_PER_MINUTE = 30;

  // ——— OpenID CIBA front door (oidc.config.ts): off unless the issuer is set ———
  @OptionalString()
  OIDC_ISSUER?: string;

  @OptionalInt(1, 60)
  CIBA_INTERVAL_S = 5;
}
