-- Puts a pending approval that fell out of its indexes back in them. KEYS: record, events, pending,
-- pollsDue. ARGV: id, expiresAtMs, keepUntilMs, firstPollAtMs. Returns 1 when something was
-- repaired, 0 when there was nothing to do (no longer pending, or already indexed and expiring).
-- The status is checked here, in the same step as the writes, so a decision that won meanwhile is
-- never followed again.
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
local repaired = 0
if redis.call('ZSCORE', KEYS[3], ARGV[1]) == false then
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
  repaired = 1
end
repaired = repaired + redis.call('ZADD', KEYS[4], 'NX', ARGV[4], ARGV[1])
for i = 1, 2 do
  if redis.call('PTTL', KEYS[i]) == -1 then
    redis.call('PEXPIREAT', KEYS[i], ARGV[3])
    repaired = 1
  end
end
if repaired > 0 then return 1 end
return 0
