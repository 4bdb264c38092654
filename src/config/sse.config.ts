/** Server-Sent Events and the browser origins allowed to open them. */
export interface SseConfig {
  /** Interval of the comment heartbeat on every stream (the contract requires one at least every 30 s). */
  heartbeatMs: number;
  /** The `retry:` sent on connect: how long a browser waits before reconnecting. */
  retryMs: number;
  /** Origins allowed by CORS (`*`: any); empty: no CORS headers. */
  corsOrigins: string[];
  /** Open eventsUrl-token streams per approval, across instances. */
  maxStreamsPerApproval: number;
  /** Open streams per client (its API-key streams and its approvals' token streams), across instances. */
  maxStreamsPerClient: number;
  /** Open streams in this process: SSE_MAX_STREAMS_PER_PROCESS, by default the process's cap on held requests. */
  maxStreamsPerProcess: number;
  /** eventsUrl tokens: lifetime from issue (the owner renews by reading the approval again). */
  tokenTtlS: number;
  /** After the terminal event a token still opens a stream this long, so a late browser sees the outcome. */
  tokenGraceS: number;
}

export interface SseEnv {
  SSE_HEARTBEAT_MS: number;
  SSE_RETRY_MS: number;
  CORS_ORIGINS?: string;
  SSE_MAX_STREAMS_PER_APPROVAL?: number;
  SSE_MAX_STREAMS_PER_CLIENT?: number;
  SSE_MAX_STREAMS_PER_PROCESS?: number;
  EVENTS_TOKEN_TTL_S?: number;
  EVENTS_TOKEN_GRACE_S?: number;
}

/** `held`: the HTTP server's caps on held requests (http.config.ts), which bound streams too. */
export function resolveSse(env: SseEnv, problems: string[], held: { maxHeldPerClient: number; maxHeldPerProcess: number }): SseConfig {
  // Streams are held requests: one client must not be able to fill this cap on its own either.
  if (env.SSE_MAX_STREAMS_PER_PROCESS !== undefined && held.maxHeldPerClient >= env.SSE_MAX_STREAMS_PER_PROCESS) {
    problems.push('CLIENT_MAX_HELD_REQUESTS must be below SSE_MAX_STREAMS_PER_PROCESS (one client could hold every stream of a process)');
  }
  return {
    heartbeatMs: env.SSE_HEARTBEAT_MS,
    retryMs: env.SSE_RETRY_MS,
    corsOrigins: parseOrigins(env.CORS_ORIGINS, problems),
    maxStreamsPerApproval: env.SSE_MAX_STREAMS_PER_APPROVAL ?? 3,
    maxStreamsPerClient: env.SSE_MAX_STREAMS_PER_CLIENT ?? 10_000,
    maxStreamsPerProcess: env.SSE_MAX_STREAMS_PER_PROCESS ?? held.maxHeldPerProcess,
    tokenTtlS: env.EVENTS_TOKEN_TTL_S ?? 900,
    tokenGraceS: env.EVENTS_TOKEN_GRACE_S ?? 300,
  };
}

/** Comma-separated origins such as `https://bank.example,http://localhost:5173`, or `*`. */
function parseOrigins(raw: string | undefined, problems: string[]): string[] {
  const items = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const origins: string[] = [];
  for (const item of items) {
    if (item === '*') {
      origins.push(item);
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== item.replace(/\/$/, '')) {
      problems.push('CORS_ORIGINS must be a comma-separated list of origins (scheme://host[:port]) or *');
      return [];
    }
    origins.push(url.origin);
  }
  return origins;
}
