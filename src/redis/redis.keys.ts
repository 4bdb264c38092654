import { ShardMap } from './shard-map';

/**
 * Every Redis key the service owns, under REDIS_PREFIX, and which shard (shard-map.ts) each lives in.
 * A multi-key script must name keys of one Cluster slot only, so every key falls in one of three scopes:
 * - **shard** (`S` = ShardMap.prefixOf(shard), the prefix itself on one Redis with one shard): every key
 *   of one approval, in the shard of its id, and the per-shard sets, stream and listing slices its
 *   scripts touch with it. Readers of a per-shard set walk every shard.
 * - **client** (`C` = `{P:c:<clientId>}` on a cluster, the prefix otherwise): the per-client and
 *   per-user limits and SSE stream leases, which admission scripts count together.
 * - **global** (`P`): keys read or written alone (one key per command or script), which need no tag:
 *   a cluster spreads them by their whole name.
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
  constructor(
    readonly prefix: string,
    readonly shards: ShardMap = new ShardMap(prefix, 1, false),
  ) {}

  /** The shard an approval's keys live in (ShardMap.of). */
  shardOf(approvalId: string): number {
    return this.shards.of(approvalId);
  }

  /** HASH of one approval (status, doc). SCAN MATCH `approvalPrefix(shard)*` lists exactly one shard's records. */
  approval(id: string): string {
    return this.ofApproval('approval', id);
  }

  /** What every record key of one shard starts with (`<shard prefix>:approval:`): for SCAN MATCH and scripts that find records by id. */
  approvalPrefix(shard: number): string {
    return `${this.shards.prefixOf(shard)}:approval:`;
  }

  /** LIST of one approval's events, in order. */
  approvalEvents(id: string): string {
    return this.ofApproval('approval-events', id);
  }

  /**
   * STRING (global): the token of whoever is making one delivery's attempt now (a worker's job or the
   * deciding process's first attempt), expiring on its own after the attempt's longest possible duration.
   */
  deliveryLease(eventId: string): string {
    return this.ofKind(this.prefix, 'delivery-lease', eventId);
  }

  /** HASH eventId → webhook delivery state (JSON), expiring with the approval. */
  approvalDeliveries(id: string): string {
    return this.ofApproval('approval-deliveries', id);
  }

  /**
   * ZSET of one client's approval ids in one shard, scored by creation time (ms): GET /v1/approvals
   * merges the shards' slices, newest first.
   */
  clientApprovals(clientId: string, shard: number): string {
    return `${this.shards.prefixOf(shard)}:client:${clientId}:approvals`;
  }

  /** ZSET of one client's approval ids for one end user (upper case) in one shard, scored by creation time (ms): the userId filter. */
  clientUserApprovals(clientId: string, userId: string, shard: number): string {
    return `${this.shards.prefixOf(shard)}:client:${clientId}:user:${userId}:approvals`;
  }

  /** ZSET of one shard's pending approval ids scored by expiresAt (ms): the reconciler's work list. */
  pendingApprovals(shard: number): string {
    return `${this.shards.prefixOf(shard)}:approvals:pending`;
  }

  /**
   * ZSET of one shard's decided approvals whose terminal event has not yet been handed to webhook
   * delivery (the outbox), scored by decision time (ms): written by the transition itself, so a crash
   * right after it cannot lose the webhook. The key keeps its historical name.
   */
  decisionsAwaitingDelivery(shard: number): string {
    return `${this.shards.prefixOf(shard)}:approvals:unnotified`;
  }

  /** ZSET of one shard's pending approval ids scored by their next poll time (ms); a claimed poll is scored by its lease's end. */
  pollsDue(shard: number): string {
    return `${this.shards.prefixOf(shard)}:polls:due`;
  }

  /** HASH approval id → consecutive failed polls, for backoff, per shard; absent when the last poll got an answer. */
  pollFailures(shard: number): string {
    return `${this.shards.prefixOf(shard)}:polls:failures`;
  }

  /** ZSET of one shard's pending webhook deliveries (`<approvalId>:<eventId>`) scored by their next attempt (ms): the delivery reconciler's work list. */
  pendingDeliveries(shard: number): string {
    return `${this.shards.prefixOf(shard)}:deliveries:pending`;
  }

  /**
   * ZSET of one client's deliveries in one state (`dead` or `pending`) in one shard, members
   * `<approvalId>:<eventId>` scored by when they took it (ms): GET /v1/deliveries and recovery. Written
   * by the delivery scripts; the key lives as long as its longest-lived approval, and entries of
   * expired approvals are dropped when read.
   */
  clientDeliveries(clientId: string, state: 'dead' | 'pending', shard: number): string {
    return `${this.shards.prefixOf(shard)}:client:${clientId}:deliveries:${state}`;
  }

  /** Stream of every new event of one shard, read by each instance to fan events out to its SSE clients. */
  eventStream(shard: number): string {
    return `${this.shards.prefixOf(shard)}:events`;
  }

  /** STRING: who claimed an operationId while its creation is in flight upstream (in the id's shard, beside its record). */
  reservation(id: string): string {
    return this.ofApproval('reservation', id);
  }

  /**
   * ZSET of one end user's pending approval ids at one client, scored by expiresAt (ms), cleaned
   * lazily: the per-user limit, counted per client. Client ids have no `:` and user ids are hex, so
   * the pair is one unambiguous tail.
   */
  userPending(clientId: string, userId: string): string {
    return this.ofKind(this.clientPrefix(clientId), 'user-pending', `${clientId}:${userId}`);
  }

  /** ZSET of one end user's approval ids at one client scored by creation time (ms): the per-minute creation window. */
  userCreations(clientId: string, userId: string): string {
    return this.ofKind(this.clientPrefix(clientId), 'user-creations', `${clientId}:${userId}`);
  }

  /** ZSET of one client's stored approval ids scored by the latest time they are kept (ms): its storage quota. */
  clientStored(clientId: string): string {
    return this.ofKind(this.clientPrefix(clientId), 'client-stored', clientId);
  }

  /** ZSET of one client's (`client`) or one approval's (`approval`, of that client) open SSE streams: the stream caps. */
  sseStreams(clientId: string, kind: 'client' | 'approval', id: string): string {
    return this.ofKind(this.clientPrefix(clientId), 'sse-streams', `${kind}:${Buffer.from(id).toString('base64url')}`);
  }

  /** STRING: where a repair that walks one shard's keys with SCAN stopped, so that its next run goes on from there. */
  scanCursor(repair: string, shard: number): string {
    return this.ofKind(this.shards.prefixOf(shard), 'scan-cursor', repair);
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
    return this.ofKind(this.prefix, 'ciba-assertion', id);
  }

  /** HASH of one CIBA request, by the digest of its auth_req_id (never the auth_req_id itself). */
  cibaRequest(digest: string): string {
    return this.ofKind(this.prefix, 'ciba-request', digest);
  }

  /** STRING: the sealed ping of a ping client's CIBA request, by its approval id. */
  cibaPing(approvalId: string): string {
    return this.ofKind(this.prefix, 'ciba-ping', approvalId);
  }

  /**
   * STRING of one shard, written just before a WAIT on that shard's master, so that the WAIT covers
   * every write acknowledged there before it (redis.replication.ts).
   */
  replicaWait(shard: number): string {
    return `${this.shards.prefixOf(shard)}:replica-wait`;
  }

  secret(name: string): string {
    return this.ofKind(this.prefix, 'secret', name);
  }

  /** `{P:c:<clientId>}` on a cluster, so that one client's limits share a slot; the prefix on one Redis. */
  private clientPrefix(clientId: string): string {
    return this.shards.clustered ? `{${this.prefix}:c:${clientId}}` : this.prefix;
  }

  private ofApproval(kind: string, id: string): string {
    return this.ofKind(this.shards.prefixOf(this.shards.of(id)), kind, id);
  }

  private ofKind(scope: string, kind: string, id: string): string {
    return `${scope}:${kind}:${id}`;
  }
}
