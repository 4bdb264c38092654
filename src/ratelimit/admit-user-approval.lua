-- Admission of one approval for one end user, atomically: at most N pending approvals and M
-- creations in a sliding minute, so that a caller cannot push-bomb a customer's phone.
--
-- KEYS: userPending (ZSET id → expiresAt ms), userCreations (ZSET id → created ms), then the record
-- key of each id listed in ARGV[8..]. ARGV: nowMs, windowMs, maxPending, maxCreations, id,
-- expiresAtMs, listedCount, listed ids…
--
-- The pending set is cleaned lazily, so the one script that changes statuses needs no knowledge of
-- it: members past their expiry go, and so do listed ones whose record is no longer pending. A
-- member without a record stays until its expiry (its creation may still be in flight).
-- Returns {0, 0} admitted, {1, retryAfterMs} too many pending, {2, retryAfterMs} too many creations.
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 1, tonumber(ARGV[7]) do
  local status = redis.call('HGET', KEYS[2 + i], 'status')
  if status and status ~= 'pending' then redis.call('ZREM', KEYS[1], ARGV[7 + i]) end
end
if redis.call('ZSCORE', KEYS[1], ARGV[5]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {1, tonumber(first[2]) - now}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, tonumber(first[2]) + window - now}
end
redis.call('ZADD', KEYS[1], ARGV[6], ARGV[5])
redis.call('ZADD', KEYS[2], now, ARGV[5])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
redis.call('PEXPIRE', KEYS[2], window)
return {0, 0}
