/** Where the service keeps its data: one Redis (REDIS_URL), or its master found through Redis Sentinel. */
export interface RedisConfig {
  url: string;
  /** Prefix of every key and BullMQ queue this service owns. */
  prefix: string;
  /** Logical shards approvals are spread over (redis/shard-map.ts); fixed for a deployment's life. */
  shards: number;
  /** Sentinels to ask for the master named `sentinelName`; undefined: REDIS_URL's host is the master. */
  sentinels?: { host: string; port: number }[];
  sentinelName?: string;
  /**
   * Bound of the `WAIT 1` for a replica after a create and before a decision is announced; 0: never
   * wait. Only deployments with a replica to fail over to (Sentinel or a cluster) wait at all.
   */
  replicaWaitMs: number;
}

export interface RedisEnv {
  REDIS_URL: string;
  REDIS_PREFIX: string;
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_NAME?: string;
  REDIS_CLUSTER_NODES?: string;
  REDIS_SHARDS?: number;
  REDIS_REPLICA_WAIT_MS?: number;
}

/** Shards on a cluster unless REDIS_SHARDS says otherwise: enough to spread over 16 masters, cheap to walk. */
const CLUSTER_DEFAULT_SHARDS = 16;

const NODE = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;

export function resolveRedis(env: RedisEnv, problems: string[]): RedisConfig {
  const sentinels = parseNodes('REDIS_SENTINELS', env.REDIS_SENTINELS, problems);
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined) {
    problems.push('REDIS_SENTINEL_NAME is required with REDIS_SENTINELS (the name the sentinels monitor the master by)');
  }
  if (env.REDIS_SENTINEL_NAME !== undefined && env.REDIS_SENTINELS === undefined) {
    problems.push('REDIS_SENTINELS is required with REDIS_SENTINEL_NAME');
  }
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
    problems.push('REDIS_SENTINELS and REDIS_CLUSTER_NODES exclude each other (a cluster fails over by itself)');
  }
  const replicated = env.REDIS_SENTINELS !== undefined || env.REDIS_CLUSTER_NODES !== undefined;
  return {
    url: env.REDIS_URL,
    prefix: env.REDIS_PREFIX,
    shards: env.REDIS_SHARDS ?? (env.REDIS_CLUSTER_NODES !== undefined ? CLUSTER_DEFAULT_SHARDS : 1),
    ...(sentinels && { sentinels, sentinelName: env.REDIS_SENTINEL_NAME }),
    // A single Redis has no replica to wait for: WAIT would only ever time out there.
    replicaWaitMs: replicated ? (env.REDIS_REPLICA_WAIT_MS ?? 500) : 0,
  };
}

/** `host:port,…` (IPv6 in brackets); undefined when unset, with a problem naming `variable` when malformed. */
export function parseNodes(variable: string, raw: string | undefined, problems: string[]): { host: string; port: number }[] | undefined {
  if (raw === undefined) return undefined;
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const nodes = entries
    .map((e) => NODE.exec(e))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) > 0 && Number(m[2]) <= 65535);
  if (entries.length === 0 || nodes.length !== entries.length) {
    problems.push(`${variable} must be a comma-separated list of host:port`);
    return undefined;
  }
  return nodes.map((m) => ({ host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) }));
}
