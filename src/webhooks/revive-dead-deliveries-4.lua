-- KEYS: deliveries, pending index, client's pending index, client's dead index. ARGV: nextAttemptAt
-- (ISO), approvalId, due (ms). Moves every dead delivery back to pending, atomically, so two
-- concurrent redelivery requests cannot both revive one. Returns the revived event ids.
local revived = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local delivery = cjson.decode(all[i + 1])
  if delivery.state == 'dead' then
    local member = ARGV[2] .. ':' .. all[i]
    delivery.state = 'pending'
    delivery.nextAttemptAt = ARGV[1]
    redis.call('HSET', KEYS[1], all[i], cjson.encode(delivery))
    redis.call('ZADD', KEYS[2], ARGV[3], member)
    redis.call('ZADD', KEYS[3], ARGV[3], member)
    redis.call('ZREM', KEYS[4], member)
    table.insert(revived, all[i])
  end
end
local ttl = redis.call('PTTL', KEYS[1])
local current = redis.call('PTTL', KEYS[3])
if #revived > 0 and ttl > 0 and (current == -1 or (current >= 0 and current < ttl)) then redis.call('PEXPIRE', KEYS[3], ttl) end
return revived
