-- Compare-and-set on the status. KEYS: record, events, pending, stream, pollsDue, pollFailures, unnotified.
-- ARGV: expectedStatus, newStatus, doc, event, retentionS, id, streamMaxLen, nowMs, receivedAt.
-- Returns the new event's sequence number, 0 when the status was no longer the expected one, -1 when the record is gone,
-- -2 when `receivedAt` (an ISO-8601 UTC time, or '' for none) is at or after the stored record's expiresAt.
-- The deadline is read from the record as stored, in the same step as the change: a record re-created
-- under the same id between the caller's read and this script is judged by its own deadline. Both
-- times are toISOString() texts, so comparing them as strings compares the instants.
-- Leaving pending also stops polling, in the same step: "due" and "pending" never disagree. And it
-- records that the terminal event is owed to webhook delivery, until the service says it handed it over.
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return -1 end
if current ~= ARGV[1] then return 0 end
if ARGV[9] ~= '' then
  local stored = cjson.decode(redis.call('HGET', KEYS[1], 'doc'))
  if type(stored.expiresAt) ~= 'string' or ARGV[9] >= stored.expiresAt then return -2 end
end
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
