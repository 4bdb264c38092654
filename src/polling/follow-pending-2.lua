-- Follows approvals that are still pending and not followed yet (ZADD NX), due at ARGV[1]. Checks
-- the pending index in the same step, so a terminal approval is never followed again.
-- KEYS: pending, due. ARGV: atMs, id… Returns the number newly followed.
local followed = 0
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    followed = followed + redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[i])
  end
end
return followed
