-- KEYS: approval, deliveries, pending index. ARGV: eventId, state JSON, index member, due (ms).
-- Creates the entry unless present; returns the entry, or false when the approval is gone.
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return false end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return redis.call('HGET', KEYS[2], ARGV[1])
