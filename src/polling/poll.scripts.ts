/**
 * Lua scripts over the due set (`P:polls:due`, approval id → next poll time in ms) and the backoff
 * counters (`P:polls:failures`). Each runs atomically, so two ticks, on one instance or on several,
 * never claim the same approval: at most one poll of an operation is in flight.
 */

/**
 * Claims up to ARGV[3] approvals due at ARGV[1] by scoring them with the lease's end, ARGV[2]: not
 * claimable again until then, when a crashed claimer's polls come due again by themselves.
 * KEYS: due, failures. Returns [id, failures|nil, id, failures|nil, …].
 */
export const CLAIM_DUE_POLLS = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
if #ids == 0 then return {} end
local leased = {}
for i, id in ipairs(ids) do
  leased[2 * i - 1] = ARGV[2]
  leased[2 * i] = id
end
redis.call('ZADD', KEYS[1], unpack(leased))
local failures = redis.call('HMGET', KEYS[2], unpack(ids))
local out = {}
for i, id in ipairs(ids) do
  out[2 * i - 1] = id
  out[2 * i] = failures[i]
end
return out
`;

/**
 * Writes back what polls decided, as triples in ARGV: id, next poll time in ms or 'done', new
 * failure count or '' when unchanged. A next time is written only while the id is still in the
 * due set (ZADD XX semantics): an approval decided meanwhile (cancelled, expired) was removed by its
 * transition and must not come back. KEYS: due, failures. Returns the number rescheduled.
 */
export const RESCHEDULE_POLLS = `
local rescheduled = 0
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  if ARGV[i + 1] == 'done' then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
  elseif redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], id)
    rescheduled = rescheduled + 1
    if ARGV[i + 2] == '0' then
      redis.call('HDEL', KEYS[2], id)
    elseif ARGV[i + 2] ~= '' then
      redis.call('HSET', KEYS[2], id, ARGV[i + 2])
    end
  end
end
return rescheduled
`;

/**
 * Follows approvals that are still pending and not followed yet (ZADD NX), due at ARGV[1]. Checks
 * the pending index in the same step, so a terminal approval is never followed again.
 * KEYS: pending, due. ARGV: atMs, id… Returns the number newly followed.
 */
export const FOLLOW_PENDING = `
local followed = 0
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    followed = followed + redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[i])
  end
end
return followed
`;
