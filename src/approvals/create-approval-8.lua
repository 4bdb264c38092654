-- KEYS: record, events, pending, stream, pollsDue, clientIndex, clientUserIndex, reservation.
-- ARGV: doc, event, expiresAtMs, keepUntilMs, id, streamMaxLen, firstPollAtMs, createdAtMs, indexTrimBeforeMs.
-- Returns 1 created, 0 exists. Either way the id's reservation (taken at admission) is freed: the
-- record, this one or the one that won, answers for the id from now on. The first poll is scheduled with the record, so a pending approval is never unfollowed.
-- Every key of the record and its indexes is checked before the first write to them: Redis does not roll a script back when a command
-- fails half-way, so a key that exists, or an index of the wrong type, answers "exists" with
-- nothing written rather than leaving a record that is in no index and never expires.
redis.call('DEL', KEYS[8])
if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
local expected = { [3] = 'zset', [4] = 'stream', [5] = 'zset', [6] = 'zset', [7] = 'zset' }
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
-- The listing indexes: entries older than any record could still be kept are trimmed here; the index
-- itself lives as long as its newest record (GT: an index is only ever kept longer).
for i = 6, 7 do
  redis.call('ZADD', KEYS[i], ARGV[8], ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[9])
  if redis.call('PEXPIREAT', KEYS[i], ARGV[4], 'GT') == 0 then
    if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIREAT', KEYS[i], ARGV[4]) end
  end
end
return 1
