import { parseNodes } from './redis.config';

/** What one process runs: the HTTP API, the queue workers, or both (the default). */
export type ProcessRole = 'api' | 'worker' | 'all';

export const PROCESS_ROLES: ProcessRole[] = ['api', 'worker', 'all'];

/** Roles, shutdown, rate limits and Redis Cluster: how the service is operated and scaled. */
export interface RuntimeConfig {
  role: ProcessRole;
  /** Whether this process runs the BullMQ workers (poll, delivery). */
  runsWorkers: boolean;
  /** Whether this process serves the /v1 API (a worker serves only health and metrics). */
  servesApi: boolean;
  /** Bound of a graceful shutdown; the process is forced to exit after it. */
  shutdownTimeoutMs: number;
  rateLimit: {
    /** Window of the two per-client buckets. */
    windowMs: number;
    /** POST /v1/approvals per client and window. */
    createsPerWindow: number;
    /** Every other /v1 request per client and window. */
    requestsPerWindow: number;
    /** Requests without a valid key, per caller address and minute; eventsUrl token streams are not counted here. */
    anonymousPerMinute: number;
    userMaxPending: number;
    userMaxCreationsPerMinute: number;
    /** Approvals one client may have stored at once (pending or kept for retention): its share of a noeviction Redis. */
    clientMaxStoredApprovals: number;
  };
  /** Seed nodes of a Redis Cluster; undefined: a single Redis at REDIS_URL. */
  clusterNodes?: { host: string; port: number }[];
}

export interface RuntimeEnv {
  REDIS_PREFIX: string;
  ROLE: ProcessRole;
  SHUTDOWN_TIMEOUT_MS: number;
  RATE_LIMIT_WINDOW_MS: number;
  RATE_LIMIT_CREATES: number;
  RATE_LIMIT_REQUESTS: number;
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: number;
  USER_MAX_PENDING: number;
  USER_MAX_CREATIONS_PER_MINUTE: number;
  CLIENT_MAX_STORED_APPROVALS: number;
  REDIS_CLUSTER_NODES?: string;
}

export function resolveRuntime(env: RuntimeEnv, problems: string[]): RuntimeConfig {
  const clusterNodes = parseNodes('REDIS_CLUSTER_NODES', env.REDIS_CLUSTER_NODES, problems);
  // On a cluster the service puts its own hash tags around the prefix (redis/shard-map.ts): a brace
  // in it would end or open a tag and put every shard in one slot.
  if (clusterNodes && /[{}]/.test(env.REDIS_PREFIX)) {
    problems.push('REDIS_PREFIX must be a plain name without { or } when REDIS_CLUSTER_NODES is set: the service adds its own hash tags');
  }
  return {
    role: env.ROLE,
    runsWorkers: env.ROLE !== 'api',
    servesApi: env.ROLE !== 'worker',
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    rateLimit: {
      windowMs: env.RATE_LIMIT_WINDOW_MS,
      createsPerWindow: env.RATE_LIMIT_CREATES,
      requestsPerWindow: env.RATE_LIMIT_REQUESTS,
      anonymousPerMinute: env.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      userMaxPending: env.USER_MAX_PENDING,
      userMaxCreationsPerMinute: env.USER_MAX_CREATIONS_PER_MINUTE,
      clientMaxStoredApprovals: env.CLIENT_MAX_STORED_APPROVALS,
    },
    clusterNodes,
  };
}
