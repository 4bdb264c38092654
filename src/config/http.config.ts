import { isIP } from 'node:net';

/** How the HTTP server sees its callers. */
export interface HttpConfig {
  /**
   * Express's `trust proxy`: false (the socket's address is the caller's), a number of proxy hops,
   * or the proxies' addresses and ranges. It decides `req.ip`, which keys the per-address limits.
   */
  trustProxy: false | number | string[];
  /** Sockets the server holds at once; beyond it new connections are dropped (HTTP_MAX_CONNECTIONS). */
  maxConnections: number;
  /**
   * Held requests (event streams and `?wait=` long-polls together) one client may have open in this
   * process (CLIENT_MAX_HELD_REQUESTS): below maxHeldPerProcess, so one client's held requests never
   * take the connections other clients need.
   */
  maxHeldPerClient: number;
  /** Held requests of all clients in this process: maxConnections minus a reserve kept for short requests and health checks. */
  maxHeldPerProcess: number;
  /** Time allowed to receive a request's headers (slowloris). */
  headersTimeoutMs: number;
  /** Time allowed to receive a whole request; Node applies it to receiving only, so an SSE response outlives it. */
  requestTimeoutMs: number;
  /** POSTs to /demo per caller address and minute (they act without a key). */
  demoPostsPerMinute: number;
}

export interface HttpEnv {
  TRUST_PROXY?: string;
  HTTP_MAX_CONNECTIONS?: number;
  CLIENT_MAX_HELD_REQUESTS?: number;
  HTTP_HEADERS_TIMEOUT_MS?: number;
  HTTP_REQUEST_TIMEOUT_MS?: number;
  DEMO_RATE_LIMIT_PER_MINUTE?: number;
}

/**
 * Connections never taken by held requests: a tenth of HTTP_MAX_CONNECTIONS, at least 16. They keep
 * other clients' short requests and /health/* answering while held requests fill the rest.
 */
export function heldRequestsReserve(maxConnections: number): number {
  return Math.max(16, Math.ceil(maxConnections / 10));
}

/** Names Express (proxy-addr) knows for whole ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

export function resolveHttp(env: HttpEnv, problems: string[]): HttpConfig {
  const server = {
    maxConnections: env.HTTP_MAX_CONNECTIONS ?? 20_000,
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS ?? 20_000,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS ?? 30_000,
    demoPostsPerMinute: env.DEMO_RATE_LIMIT_PER_MINUTE ?? 30,
  };
  // Node refuses a headers timeout above the request timeout.
  if (server.headersTimeoutMs > server.requestTimeoutMs) problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  const maxHeldPerProcess = server.maxConnections - heldRequestsReserve(server.maxConnections);
  const maxHeldPerClient = env.CLIENT_MAX_HELD_REQUESTS ?? Math.floor(server.maxConnections / 4);
  // Under 64 connections the schema has already named HTTP_MAX_CONNECTIONS.
  if (server.maxConnections >= 64 && maxHeldPerClient >= maxHeldPerProcess) {
    problems.push(
      `CLIENT_MAX_HELD_REQUESTS must be below HTTP_MAX_CONNECTIONS minus a reserve for other clients and health checks ` +
        `(below ${maxHeldPerProcess} with HTTP_MAX_CONNECTIONS=${server.maxConnections})`,
    );
  }
  return { trustProxy: resolveTrustProxy(env, problems), ...server, maxHeldPerClient, maxHeldPerProcess };
}

function resolveTrustProxy(env: HttpEnv, problems: string[]): HttpConfig['trustProxy'] {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true') {
    problems.push(
      "TRUST_PROXY=true would trust any X-Forwarded-For a caller sends: give the number of proxy hops or the proxies' addresses",
    );
    return false;
  }
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const valid = entries.every((e) => {
    if (RANGE_NAMES.includes(e)) return true;
    const [address, prefix, extra] = e.split('/');
    const family = isIP(address);
    return (
      family !== 0 &&
      extra === undefined &&
      (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)))
    );
  });
  if (!valid || entries.length === 0) {
    problems.push(
      'TRUST_PROXY must be a number of proxy hops, or a comma-separated list of proxy addresses, CIDR ranges, loopback, linklocal or uniquelocal',
    );
    return false;
  }
  return entries;
}
