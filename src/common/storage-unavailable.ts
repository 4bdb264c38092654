/**
 * Replies by which Redis says it cannot serve the command now, not that the command was wrong: a
 * cluster without a master for the slot (CLUSTERDOWN), a slot moving (TRYAGAIN), a replica or a
 * demoted master (READONLY, MASTERDOWN), a master cut off from its replicas (NOREPLICAS), a Redis
 * still loading its data (LOADING).
 */
const UNAVAILABLE_REPLIES = /^(CLUSTERDOWN|TRYAGAIN|READONLY|MASTERDOWN|NOREPLICAS|LOADING)\b/;

/** What ioredis says when it gave up reaching Redis: closed or refused connections, redirections that never ended. */
const UNAVAILABLE_MESSAGES =
  /^(Connection is closed\.|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available)/;
const UNAVAILABLE_ERROR_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/**
 * Whether an error means Redis did not answer (down, restarting, failing over), as opposed to a bug or
 * a wrong command: the first is the caller's to retry shortly (a 503 with Retry-After), the second a
 * 500 to investigate. Reads the error's shape only (name, message, code), so that this floor needs no
 * Redis client; a script error (`ERR …`) and anything unknown stay unhandled errors.
 */
export function isStorageUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    UNAVAILABLE_ERROR_NAMES.has(err.name) ||
    UNAVAILABLE_MESSAGES.test(err.message) ||
    (err.name === 'ReplyError' && UNAVAILABLE_REPLIES.test(err.message)) ||
    (typeof code === 'string' && UNAVAILABLE_SOCKET_CODES.has(code))
  );
}
