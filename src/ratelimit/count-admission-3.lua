-- Counts one creation against its limits, atomically, before anything is sent upstream: for one end
-- user at one client, at most N pending approvals and M creations in a sliding minute (so that a
-- caller cannot push-bomb a customer's phone); for the client, at most S stored approvals (Redis runs
-- in noeviction, so one client filling it would stop every client). Every key is under the client's
-- hash tag (RedisKeys.userPending…), so this is one slot whatever shard the approval is in.
--
-- KEYS: userPending (ZSET id → expiresAt ms), userCreations (ZSET id → created ms), clientStored
-- (ZSET id → kept-until ms).
-- ARGV: nowMs, windowMs, maxPending, maxCreations, id, expiresAtMs, maxStored, keepUntilMs, checked,
-- decided ids…
--
-- The user's pending set is cleaned lazily, so the one script that changes statuses needs no
-- knowledge of it: members past their expiry go, and so do those the caller found decided. Their
-- records live in their own shards, so they are read by the caller, and only when they could change
-- the verdict: with the set full and `checked` 0, the script answers {'list'} and the caller calls
-- again with `checked` 1 and the members whose record is no longer pending. A stale read can only
-- keep a member (leaving pending is for good), never drop one wrongly; a member without a record
-- stays until its expiry (its creation may still be in flight). Nothing is written before every check
-- has passed.
--
-- Returns {'admitted'}; {'list'}; {'limited', verdict, retryAfterMs} with verdict 1 too many pending,
-- 2 too many creations, 3 the client's storage quota is full.
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local id = ARGV[5]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local counted = redis.call('ZSCORE', KEYS[1], id) ~= false
if not counted and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  if ARGV[9] ~= '1' then return {'list'} end
  for i = 10, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {'limited', 1, tonumber(first[2]) - now}
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {'limited', 2, tonumber(first[2]) + window - now}
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZSCORE', KEYS[3], id) == false and redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[7]) then
  local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  return {'limited', 3, tonumber(first[2]) - now}
end
redis.call('ZADD', KEYS[1], ARGV[6], id)
redis.call('ZADD', KEYS[2], now, id)
-- GT still adds a new member; a retry never shortens the time an id is counted.
redis.call('ZADD', KEYS[3], 'GT', ARGV[8], id)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
redis.call('PEXPIRE', KEYS[2], window)
local kept = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[3], kept[2])
return {'admitted'}
