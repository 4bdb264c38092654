-- KEYS: approval, deliveries, pending index, client's pending index, client's dead index. ARGV:
-- eventId, state JSON, index member, due (ms) while pending or '' once it ended, state, now (ms).
-- Returns 1 saved, 0 when the approval is gone.
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then
  redis.call('ZREM', KEYS[3], ARGV[3])
  redis.call('ZREM', KEYS[4], ARGV[3])
  redis.call('ZREM', KEYS[5], ARGV[3])
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[4] == '' then redis.call('ZREM', KEYS[3], ARGV[3]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
-- The client's indexes are scored by when the delivery took its state: a retry keeps its pending score.
if ARGV[5] == 'pending' then
  redis.call('ZADD', KEYS[4], 'NX', ARGV[6], ARGV[3])
  redis.call('ZREM', KEYS[5], ARGV[3])
else
  redis.call('ZREM', KEYS[4], ARGV[3])
  if ARGV[5] == 'dead' then redis.call('ZADD', KEYS[5], ARGV[6], ARGV[3]) else redis.call('ZREM', KEYS[5], ARGV[3]) end
end
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  for i = 4, 5 do
    local current = redis.call('PTTL', KEYS[i])
    if current == -1 or (current >= 0 and current < ttl) then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end
return 1
