/**
 * Every Redis key the service owns, under REDIS_PREFIX. With a hash-tagged prefix ({stepup}) all
 * keys share one Cluster slot, which the multi-key Lua transitions (and BullMQ) require.
 *
 * The scheme is unambiguous for any id: a key of one object is `P:<kind>:<id>`, the kind first and
 * the id last, taking the rest of the key whatever it contains (`:`, `{`, `}`, `:events`…). Kinds
 * contain no `:`, so two keys of different kinds differ in their kind segment, and two keys of one
 * kind differ exactly when their ids differ. Fixed keys (indexes, the stream) are `P:<name>` or
 * `P:<name>:<word>` with a name that is never a per-id kind, and BullMQ's keys are `P:<queue>:…`
 * with queue names (poll, delivery, ping, maintenance) that are not kinds either. An id never ends a key
 * with a suffix, so none can name another object's key. New keys must follow the same rule.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** HASH of one approval (status, doc). SCAN MATCH `<prefix>:approval:*` lists exactly the records. */
  approval(id: string): string {
    return this.ofKind('approval', id);
  }

  /** LIST of one approval's events, in order. */
  approvalEvents(id: string): string {
    return this.ofKind('approval-events', id);
  }

  /** HASH eventId → webhook delivery state (JSON), expiring with the approval. */
  approvalDeliveries(id: string): string {
    return this.ofKind('approval-deliveries', id);
  }

  /** ZSET of one client's approval ids scored by creation time (ms): GET /v1/approvals, newest first. */
  clientApprovals(clientId: string): string {
    return `${this.prefix}:client:${clientId}:approvals`;
  }

  /** ZSET of one client's approval ids for one end user (upper case), scored by creation time (ms): the userId filter. */
  clientUserApprovals(clientId: string, userId: string): string {
    return `${this.prefix}:client:${clientId}:user:${userId}:approvals`;
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

  /** STRING: who claimed an operationId while its creation is in flight upstream. */
  reservation(id: string): string {
    return this.ofKind('reservation', id);
  }

  /**
   * ZSET of one end user's pending approval ids at one client, scored by expiresAt (ms), cleaned
   * lazily: the per-user limit, counted per client. Client ids have no `:` and user ids are hex, so
   * the pair is one unambiguous tail.
   */
  userPending(clientId: string, userId: string): string {
    return this.ofKind('user-pending', `${clientId}:${userId}`);
  }

  /** ZSET of one end user's approval ids at one client scored by creation time (ms): the per-minute creation window. */
  userCreations(clientId: string, userId: string): string {
    return this.ofKind('user-creations', `${clientId}:${userId}`);
  }

  /** ZSET of one client's stored approval ids scored by the latest time they are kept (ms): its storage quota. */
  clientStored(clientId: string): string {
    return this.ofKind('client-stored', clientId);
  }

  /** STRING: where a repair that walks the keyspace with SCAN stopped, so that its next run goes on from there. */
  scanCursor(repair: string): string {
    return this.ofKind('scan-cursor', repair);
  }

  /**
   * HASH of the receipt keys. Field `generated`: the PEM of the key generated outside production
   * (HSETNX, so racing instances agree on one). Fields `key:<kid>`: `{jwk, retireAfter}` of every key
   * that signed receipts, published until the last of them has expired.
   */
  receiptKeys(): string {
    return `${this.prefix}:receipt-keys`;
  }

  /** STRING: a private_key_jwt assertion's jti (`<clientId>:<digest>`) already used, kept until the assertion expires. */
  cibaAssertion(id: string): string {
    return this.ofKind('ciba-assertion', id);
  }

  /** HASH of one CIBA request, by the digest of its auth_req_id (never the auth_req_id itself). */
  cibaRequest(digest: string): string {
    return this.ofKind('ciba-request', digest);
  }

  /** STRING: the sealed ping of a ping client's CIBA request, by its approval id. */
  cibaPing(approvalId: string): string {
    return this.ofKind('ciba-ping', approvalId);
  }

  secret(name: string): string {
    return this.ofKind('secret', name);
  }

  private ofKind(kind: string, id: string): string {
    return `${this.prefix}:${kind}:${id}`;
  }
}
