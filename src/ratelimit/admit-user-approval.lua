-- Admission of one approval, atomically, before anything is sent upstream: for one end user at one
-- client, at most N pending approvals and M creations in a sliding minute (so that a caller cannot
-- push-bomb a customer's phone); for the client, at most S stored approvals (Redis runs in
-- noeviction, so one client filling it would stop every client).
--
-- KEYS: userPending (ZSET id → expiresAt ms), userCreations (ZSET id → created ms), clientStored
-- (ZSET id → kept-until ms), then the record key of each id listed in ARGV[10..]. ARGV: nowMs,
-- windowMs, maxPending, maxCreations, id, expiresAtMs, listedCount, maxStored, keepUntilMs, listed ids…
--
-- The sets are cleaned lazily, so the one script that changes statuses needs no knowledge of them:
-- members past their expiry go, and so do listed ones whose record is no longer pending. A member
-- without a record stays until its expiry (its creation may still be in flight). Nothing is written
-- before every check has passed.
-- Returns {0, 0} admitted, {1, retryAfterMs} too many pending, {2, retryAfterMs} too many creations,
-- {3, retryAfterMs} the client's storage quota is full.
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local id = ARGV[5]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 1, tonumber(ARGV[7]) do
  local status = redis.call('HGET', KEYS[3 + i], 'status')
  if status and status ~= 'pending' then redis.call('ZREM', KEYS[1], ARGV[9 + i]) end
end
if redis.call('ZSCORE', KEYS[1], id) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {1, tonumber(first[2]) - now}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, tonumber(first[2]) + window - now}
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZSCORE', KEYS[3], id) == false and redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[8]) then
  local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  return {3, tonumber(first[2]) - now}
end
redis.call('ZADD', KEYS[1], ARGV[6], id)
redis.call('ZADD', KEYS[2], now, id)
-- GT still adds a new member; a retry never shortens the time an id is counted.
redis.call('ZADD', KEYS[3], 'GT', ARGV[9], id)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
redis.call('PEXPIRE', KEYS[2], window)
local kept = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[3], kept[2])
return {0, 0}
