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
 *
 * Each key family has one owner folder: only its code reads or writes the family, unless a row
 * below names a crossing. A new family gets a row here.
 *
 * | key family                                               | owner       |
 * |----------------------------------------------------------|-------------|
 * | approval, approval-events, reservation                   | approvals/  |
 * | client:…:approvals, client:…:user:…:approvals            | approvals/  |
 * | approvals:pending, approvals:unnotified (the outbox)     | approvals/  |
 * | scan-cursor:approval-index, secret:events-token(-keys)   | approvals/  |
 * | polls:due, polls:failures                                | polling/    |
 * | approval-deliveries, deliveries:pending, client:…:deliveries:… | webhooks/ |
 * | delivery-lease                                           | webhooks/   |
 * | user-pending, user-creations, client-stored, ratelimit:… | ratelimit/  |
 * | events (the stream), sse-streams:…                       | events/     |
 * | receipt-keys                                             | receipts/   |
 * | recognize-key-set, recognize-key-set:fetch               | signatures/ |
 * | replica-wait                                             | redis/      |
 *
 * Crossings, each a script that must change or read another's keys in the same atomic step (the
 * foreign key is always handed to it as a plain key or prefix; nothing else crosses):
 * - approvals/create-approval-8.lua schedules the first poll (polls:due) and appends to the event
 *   stream; transition-approval-7.lua ends polling (polls:due, polls:failures) and appends to the
 *   stream; reindex-approval-4.lua follows a re-indexed approval again (polls:due): a status change
 *   and its effect on polling and on SSE can never be seen apart.
 * - approvals/admit-approval.lua counts the creation against ratelimit's keys and numbers, handed by
 *   UserLimitsService.limitsFor: lookup, reservation and limits in one round trip before Recognize is
 *   asked (a refused creation pushes nothing to a phone).
 * - polling/claim-due-polls-2.lua reads (never writes) the claimed records' docs, so a poll costs no
 *   round trip of its own; follow-pending-2.lua reads the pending index, so a decision that won
 *   meanwhile is never followed again. Approvals hands both (approvals/approval-keys.ts) and decodes
 *   the doc (ApprovalsService.recordOfDoc).
 * - webhooks' delivery scripts read the approval record's PTTL only, so a delivery lives exactly as
 *   long as its approval (approvals/approval-keys.ts).
 * - approvals reads webhooks' approval-deliveries hash, to show it on GET /v1/approvals/{id}, and its
 *   index reconciler moves delivery hashes of the former key scheme (migrate-legacy-key-2.lua).
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

  /**
   * STRING: the token of whoever is making one delivery's attempt now (a worker's job or the deciding
   * process's first attempt), expiring on its own after the attempt's longest possible duration.
   */
  deliveryLease(eventId: string): string {
    return this.ofKind('delivery-lease', eventId);
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
   * (HSETNX, so racing instances agree on one). Nothing else in it is read: the published keys come
   * from configuration (older versions kept `key:<kid>` fields here; they are ignored).
   */
  receiptKeys(): string {
    return `${this.prefix}:receipt-keys`;
  }

  /** STRING: Recognize's key set as an instance last fetched it, `{jwks, fetchedAtMs}` (signatures/key-set.store.ts). */
  recognizeKeySet(): string {
    return `${this.prefix}:recognize-key-set`;
  }

  /** STRING with a TTL: held by the instance that may fetch Recognize's key set now; the others wait out its TTL. */
  recognizeKeySetFetch(): string {
    return `${this.prefix}:recognize-key-set:fetch`;
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

  /** STRING written just before a WAIT, so that the WAIT covers every write acknowledged before it (redis.replication.ts). */
  replicaWait(): string {
    return `${this.prefix}:replica-wait`;
  }

  secret(name: string): string {
    return this.ofKind('secret', name);
  }

  private ofKind(kind: string, id: string): string {
    return `${this.prefix}:${kind}:${id}`;
  }
}
