import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { PROCESS_ROLES, ProcessRole } from './runtime.config';
import { LOG_LEVELS, LogLevel } from './observability.config';

/**
 * The second half of the environment the service accepts: how the process is observed, operated
 * and limited (logs, admin, ops token, SSE, HTTP, roles, rate limits, Redis Cluster). EnvSchema adds
 * Recognize, clients, webhooks, receipts and the demo.
 */
export class RuntimeEnvSchema {
  // Observability (see observability.config.ts): structured logs and the queue dashboard's credential.
  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: LogLevel;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'LOG_PRETTY must be true or false' })
  LOG_PRETTY?: 'true' | 'false';

  @IsOptional()
  @IsString()
  @MinLength(1)
  LOG_DESTINATION?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  ADMIN_USERNAME?: string;

  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  // Set: /metrics, /docs, /docs-json and the readiness details need `Authorization: Bearer <OPS_TOKEN>`.
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'OPS_TOKEN must be at least 16 characters' })
  OPS_TOKEN?: string;

  // The contract requires a heartbeat at least every 30 s.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(30_000)
  SSE_HEARTBEAT_MS = 15_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  SSE_RETRY_MS = 3000;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  // SSE connection caps (see sse.config.ts): token streams per approval, streams per client and per process.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  SSE_MAX_STREAMS_PER_APPROVAL = 3;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  SSE_MAX_STREAMS_PER_CLIENT = 10_000;

  // Unset: the process's cap on held requests (HTTP_MAX_CONNECTIONS minus a reserve).
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  SSE_MAX_STREAMS_PER_PROCESS?: number;

  // eventsUrl tokens: lifetime from issue, and how long after the terminal event one still opens a stream.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86_400)
  EVENTS_TOKEN_TTL_S = 900;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  EVENTS_TOKEN_GRACE_S = 300;

  // HTTP server hardening (see http.config.ts); SSE streams are not bound by the request timeout.
  // Every process needs a cap: the held-requests caps below are shares of it (http.config.ts).
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(64)
  @Max(1_000_000)
  HTTP_MAX_CONNECTIONS = 20_000;

  // Held requests (event streams and ?wait= long-polls) per client and process; unset: a quarter of HTTP_MAX_CONNECTIONS.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CLIENT_MAX_HELD_REQUESTS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS = 20_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  // Demo POSTs per caller address and minute.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  DEMO_RATE_LIMIT_PER_MINUTE = 30;

  // Webhook requests open at once to one client from one worker process (WEBHOOK_CONCURRENCY bounds its deliveries).
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_CLIENT_CONCURRENCY = 10;

  // Runtime (see runtime.config.ts): process role, shutdown bound, rate limits, Redis Cluster.
  @IsOptional()
  @IsIn(PROCESS_ROLES, { message: 'ROLE must be one of api, worker, all' })
  ROLE: ProcessRole = 'all';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  // Per client and window (contract v2: never below 100 creations and 1,000 other requests a second by default).
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  RATE_LIMIT_WINDOW_MS = 1000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_CREATES = 100;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_REQUESTS = 1000;

  // Requests without a valid key, per caller address: nothing legitimate lands here, so it can be small.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_ANONYMOUS_PER_MINUTE = 600;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  USER_MAX_PENDING = 3;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  USER_MAX_CREATIONS_PER_MINUTE = 5;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  CLIENT_MAX_STORED_APPROVALS = 100_000;

  @IsOptional()
  @IsString()
  REDIS_CLUSTER_NODES?: string;
}
