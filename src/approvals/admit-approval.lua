-- Admission of one creation, atomically and in one round trip, before anything is sent upstream:
-- the lookup of an existing approval with this id, the claim of the id while its creation is in flight
-- (the reservation), and the limits: for one end user at one client, at most N pending approvals and
-- M creations in a sliding minute (so that a caller cannot push-bomb a customer's phone); for the
-- client, at most S stored approvals (Redis runs in noeviction, so one client filling it would stop
-- every client).
--
-- KEYS: record, reservation (approvals' own), then the limit keys ratelimit/ hands over
-- (UserLimitsService.limitsFor): userPending (ZSET id → expiresAt ms), userCreations (ZSET id → created
-- ms), clientStored (ZSET id → kept-until ms), then the record key of each id listed in ARGV[12..].
-- The limits are ratelimit's keys and numbers; they are counted here so that the lookup, the
-- reservation and the limits take one round trip before Recognize is asked.
-- ARGV: nowMs, windowMs, maxPending, maxCreations, id, expiresAtMs, listedCount, maxStored,
-- keepUntilMs, owner, reservationTtlMs, listed ids…
--
-- The user's pending set is cleaned lazily, so the one script that changes statuses needs no
-- knowledge of it: members past their expiry go, and so do listed ones whose record is no longer
-- pending. Those records are keys the caller must name, so they are asked for only when they could
-- change the verdict (the set is full and none were listed): the script then answers {'list'} with the
-- reservation taken, and the caller calls again listing the set's members. A member without a record
-- stays until its expiry (its creation may still be in flight). Nothing is written for the limits
-- before every check has passed; a refusal frees the reservation again.
--
-- Returns {'existing', doc, consumedAt|false, consumedReference|false}: the id is stored;
-- {'held', owner}: another request holds the id; {'limited', verdict, retryAfterMs} with verdict 1
-- too many pending, 2 too many creations, 3 the client's storage quota is full; {'list', mine};
-- {'admitted', mine}. `mine` is 1 when the reservation was already this request's (a retry).
local found = redis.call('HMGET', KEYS[1], 'doc', 'consumedAt', 'consumedReference')
if found[1] then return {'existing', found[1], found[2], found[3]} end
local mine = 0
if not redis.call('SET', KEYS[2], ARGV[10], 'PX', ARGV[11], 'NX') then
  local holder = redis.call('GET', KEYS[2])
  if holder ~= ARGV[10] then return {'held', holder or ''} end
  mine = 1
end

local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local id = ARGV[5]
local listed = tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local counted = redis.call('ZSCORE', KEYS[3], id) ~= false
if not counted and redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then
  if listed == 0 then return {'list', mine} end
  for i = 1, listed do
    local status = redis.call('HGET', KEYS[5 + i], 'status')
    if status and status ~= 'pending' then redis.call('ZREM', KEYS[3], ARGV[11 + i]) end
  end
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then
    local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    redis.call('DEL', KEYS[2])
    return {'limited', 1, tonumber(first[2]) - now}
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - window)
if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
  redis.call('DEL', KEYS[2])
  return {'limited', 2, tonumber(first[2]) + window - now}
end
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
if redis.call('ZSCORE', KEYS[5], id) == false and redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[8]) then
  local first = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
  redis.call('DEL', KEYS[2])
  return {'limited', 3, tonumber(first[2]) - now}
end
redis.call('ZADD', KEYS[3], ARGV[6], id)
redis.call('ZADD', KEYS[4], now, id)
-- GT still adds a new member; a retry never shortens the time an id is counted.
redis.call('ZADD', KEYS[5], 'GT', ARGV[9], id)
local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[3], last[2])
redis.call('PEXPIRE', KEYS[4], window)
local kept = redis.call('ZRANGE', KEYS[5], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[5], kept[2])
return {'admitted', mine}
