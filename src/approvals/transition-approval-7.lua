-- Compare-and-set on the status. KEYS: record, events, pending, stream, pollsDue, pollFailures, unnotified.
-- ARGV: expectedStatus, newStatus, doc, event, retentionS, id, streamMaxLen, nowMs.
-- Returns the new event's sequence number, 0 when the status was no longer the expected one, -1 when the record is gone.
-- Leaving pending also stops polling, in the same step: "due" and "pending" never disagree. And it
-- records that the terminal event is owed to webhook delivery, until the service says it handed it over.
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return -1 end
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'doc', ARGV[3])
local seq = redis.call('RPUSH', KEYS[2], ARGV[4])
if ARGV[2] ~= 'pending' then
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  redis.call('ZREM', KEYS[3], ARGV[6])
  redis.call('ZREM', KEYS[5], ARGV[6])
  redis.call('HDEL', KEYS[6], ARGV[6])
  redis.call('ZADD', KEYS[7], ARGV[8], ARGV[6])
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'a', ARGV[6], 's', seq, 'e', ARGV[4])
return seq
