/**
 * Lua for the delivery state under an approval. Each script writes only while the approval exists
 * and gives the hash the approval's remaining lifetime, so deliveries expire with their approval.
 * The same scripts keep the pending-deliveries index (member `<approvalId>:<eventId>`, scored by the
 * next attempt) in step with the state, so the reconciler can find a pending delivery whose job was lost.
 */

/**
 * KEYS: approval, deliveries, pending index. ARGV: eventId, state JSON, index member, due (ms).
 * Creates the entry unless present; returns the entry, or false when the approval is gone.
 */
export const OPEN_DELIVERY = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return false end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return redis.call('HGET', KEYS[2], ARGV[1])
`;

/**
 * KEYS: approval, deliveries, pending index. ARGV: eventId, state JSON, index member, due (ms) while
 * pending or '' once it ended. Returns 1 saved, 0 when the approval is gone.
 */
export const SAVE_DELIVERY = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then
  redis.call('ZREM', KEYS[3], ARGV[3])
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[4] == '' then redis.call('ZREM', KEYS[3], ARGV[3]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
`;

/**
 * KEYS: deliveries, pending index. ARGV: nextAttemptAt (ISO), approvalId, due (ms). Moves every dead
 * delivery back to pending, atomically, so two concurrent redelivery requests cannot both revive
 * one. Returns the revived event ids.
 */
export const REVIVE_DEAD_DELIVERIES = `
local revived = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local delivery = cjson.decode(all[i + 1])
  if delivery.state == 'dead' then
    delivery.state = 'pending'
    delivery.nextAttemptAt = ARGV[1]
    redis.call('HSET', KEYS[1], all[i], cjson.encode(delivery))
    redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2] .. ':' .. all[i])
    table.insert(revived, all[i])
  end
end
return revived
`;
