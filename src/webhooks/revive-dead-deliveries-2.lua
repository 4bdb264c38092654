-- KEYS: deliveries, pending index. ARGV: nextAttemptAt (ISO), approvalId, due (ms). Moves every dead
-- delivery back to pending, atomically, so two concurrent redelivery requests cannot both revive
-- one. Returns the revived event ids.
local revived = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local delivery = cjson.decode(all[i + 1])
  if delivery.state == 'dead' then
    delivery.state = 'pending'
    delivery.nextAttemptAt = ARGV[1]
    redis.call('HSET', KEYS[1], all[i], cjson.encode(delivery))
    redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2] .. ':' .. all[i])
    table.insert(revived, all[i])
  end
end
return revived
