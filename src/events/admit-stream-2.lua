-- Admits one SSE stream against the caps of its client and (for an eventsUrl token) its approval.
-- KEYS[1]: ZSET of the client's open streams; KEYS[2]: ZSET of the approval's open token streams.
-- Members are stream ids scored by the end of their lease (ms): a stream whose instance died stops
-- being refreshed and drops out once its lease has passed.
-- ARGV: now (ms), lease end (ms), stream id, client cap, approval cap (0: not counted per approval).
-- Returns 0 when admitted, 1 when the approval is at its cap, 2 when the client is.
local now = tonumber(ARGV[1])
local leaseEnd = tonumber(ARGV[2])
local approvalCap = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if approvalCap > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= approvalCap then return 1 end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 2 end
local ttl = leaseEnd - now
redis.call('ZADD', KEYS[1], leaseEnd, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
if approvalCap > 0 then
  redis.call('ZADD', KEYS[2], leaseEnd, ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return 0
