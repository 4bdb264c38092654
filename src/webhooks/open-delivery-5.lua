-- KEYS: approval, deliveries, pending index, client's pending index, client's dead index. ARGV:
-- eventId, state JSON, index member, due (ms), now (ms). Creates the entry unless present; returns
-- {1 if this call created it else 0, the entry}, or false when the approval is gone.
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return false end
local created = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
if created == 1 then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3])
end
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  -- The client's index lives as long as its longest-lived approval (PEXPIRE GT skips keys without a TTL).
  local current = redis.call('PTTL', KEYS[4])
  if current == -1 or (current >= 0 and current < ttl) then redis.call('PEXPIRE', KEYS[4], ttl) end
end
return { created, redis.call('HGET', KEYS[2], ARGV[1]) }
