/**
 * Lua scripts that make each change of an approval atomic: the record, its event log, the pending
 * index and the cross-instance event stream change together or not at all. Redis runs a script
 * to completion without interleaving, so racing pollers, expiry and cancellation cannot both win.
 */

/**
 * KEYS: record, events, pending, stream, pollsDue. ARGV: doc, event, expiresAtMs, keepUntilMs, id, streamMaxLen, firstPollAtMs.
 * Returns 1 created, 0 exists. The first poll is scheduled with the record, so a pending approval is never unfollowed.
 */
export const CREATE_APPROVAL = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'pending', 'doc', ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('PEXPIREAT', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[5])
redis.call('ZADD', KEYS[5], ARGV[7], ARGV[5])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'a', ARGV[5], 's', 1, 'e', ARGV[2])
return 1
`;

/**
 * Compare-and-set on the status. KEYS: record, events, pending, stream, pollsDue, pollFailures, unnotified.
 * ARGV: expectedStatus, newStatus, doc, event, retentionS, id, streamMaxLen, nowMs.
 * Returns the new event's sequence number, 0 when the status was no longer the expected one, -1 when the record is gone.
 * Leaving pending also stops polling, in the same step: "due" and "pending" never disagree. And it
 * records that the terminal event is owed to webhook delivery, until the service says it handed it over.
 */
export const TRANSITION_APPROVAL = `
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return -1 end
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'doc', ARGV[3])
local seq = redis.call('RPUSH', KEYS[2], ARGV[4])
if ARGV[2] ~= 'pending' then
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  redis.call('ZREM', KEYS[3], ARGV[6])
  redis.call('ZREM', KEYS[5], ARGV[6])
  redis.call('HDEL', KEYS[6], ARGV[6])
  redis.call('ZADD', KEYS[7], ARGV[8], ARGV[6])
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'a', ARGV[6], 's', seq, 'e', ARGV[4])
return seq
`;

/** Rewrites the document of a record whose status is still ARGV[1] (enrichment that is not a transition). KEYS: record. ARGV: status, doc. */
export const UPDATE_APPROVAL_DOC = `
if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'doc', ARGV[2])
return 1
`;
