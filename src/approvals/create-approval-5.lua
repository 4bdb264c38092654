-- KEYS: record, events, pending, stream, pollsDue. ARGV: doc, event, expiresAtMs, keepUntilMs, id, streamMaxLen, firstPollAtMs.
-- Returns 1 created, 0 exists. The first poll is scheduled with the record, so a pending approval is never unfollowed.
-- Every key is checked before the first write: Redis does not roll a script back when a command
-- fails half-way, so a key that exists, or an index of the wrong type, answers "exists" with
-- nothing written rather than leaving a record that is in no index and never expires.
if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
local expected = { [3] = 'zset', [4] = 'stream', [5] = 'zset' }
for i, kind in pairs(expected) do
  local t = redis.call('TYPE', KEYS[i]).ok
  if t ~= 'none' and t ~= kind then return 0 end
end
redis.call('HSET', KEYS[1], 'status', 'pending', 'doc', ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('PEXPIREAT', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[5])
redis.call('ZADD', KEYS[5], ARGV[7], ARGV[5])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'a', ARGV[5], 's', 1, 'e', ARGV[2])
return 1
