-- KEYS: approval, deliveries, pending index. ARGV: eventId, state JSON, index member, due (ms) while
-- pending or '' once it ended. Returns 1 saved, 0 when the approval is gone.
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then
  redis.call('ZREM', KEYS[3], ARGV[3])
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[4] == '' then redis.call('ZREM', KEYS[3], ARGV[3]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
