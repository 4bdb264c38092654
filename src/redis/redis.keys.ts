/**
 * Every Redis key the service owns, under REDIS_PREFIX. With a hash-tagged prefix ({stepup}) all
 * keys share one Cluster slot, which the multi-key Lua transitions (and BullMQ) require.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  approval(id: string): string {
    return `${this.prefix}:approval:${id}`;
  }

  approvalEvents(id: string): string {
    return `${this.prefix}:approval:${id}:events`;
  }

  /** HASH eventId → webhook delivery state (JSON), expiring with the approval. */
  approvalDeliveries(id: string): string {
    return `${this.prefix}:approval:${id}:deliveries`;
  }

  /** ZSET of pending approval ids scored by expiresAt (ms): the reconciler's work list. */
  pendingApprovals(): string {
    return `${this.prefix}:approvals:pending`;
  }

  /**
   * ZSET of decided approvals whose terminal event has not yet been handed to webhook delivery (the
   * outbox), scored by decision time (ms): written by the transition itself, so a crash right after
   * it cannot lose the webhook. The key keeps its historical name.
   */
  decisionsAwaitingDelivery(): string {
    return `${this.prefix}:approvals:unnotified`;
  }

  /** ZSET of pending approval ids scored by their next poll time (ms); a claimed poll is scored by its lease's end. */
  pollsDue(): string {
    return `${this.prefix}:polls:due`;
  }

  /** HASH approval id → consecutive failed polls, for backoff; absent when the last poll got an answer. */
  pollFailures(): string {
    return `${this.prefix}:polls:failures`;
  }

  /** ZSET of pending webhook deliveries (`<approvalId>:<eventId>`) scored by their next attempt (ms): the delivery reconciler's work list. */
  pendingDeliveries(): string {
    return `${this.prefix}:deliveries:pending`;
  }

  /**
   * ZSET of one client's deliveries in one state (`dead` or `pending`), members `<approvalId>:<eventId>`
   * scored by when they took it (ms): GET /v1/deliveries and recovery. Written by the delivery scripts;
   * the key lives as long as its longest-lived approval, and entries of expired approvals are dropped
   * when read.
   */
  clientDeliveries(clientId: string, state: 'dead' | 'pending'): string {
    return `${this.prefix}:client:${clientId}:deliveries:${state}`;
  }

  /** Stream of every new event, read by each instance to fan events out to its SSE clients. */
  eventStream(): string {
    return `${this.prefix}:events`;
  }

  reservation(id: string): string {
    return `${this.prefix}:reservation:${id}`;
  }

  /** ZSET of one end user's pending approval ids scored by expiresAt (ms), cleaned lazily: the per-user limit. */
  userPending(userId: string): string {
    return `${this.prefix}:user:${userId}:pending`;
  }

  /** ZSET of one end user's approval ids scored by creation time (ms): the per-minute creation window. */
  userCreations(userId: string): string {
    return `${this.prefix}:user:${userId}:creations`;
  }

  secret(name: string): string {
    return `${this.prefix}:secret:${name}`;
  }
}
