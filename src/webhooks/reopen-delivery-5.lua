-- KEYS: approval, deliveries, pending index, client's pending index, client's dead index. ARGV:
-- eventId, index member, nextAttemptAt (ISO), due (ms), '1' to reopen only a dead delivery, the JSON
-- of a new delivery to record when the event has none ('' for none). Makes one delivery pending
-- again, atomically (two concurrent requests reopen it once). Returns 'reopened', 'pending' (already
-- being tried), 'not_dead', 'missing' (no delivery, none to record) or 'gone' (approval expired).
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return 'gone' end
local json = redis.call('HGET', KEYS[2], ARGV[1])
local delivery
if json then
  delivery = cjson.decode(json)
  if delivery.state == 'pending' then return 'pending' end
  if ARGV[5] == '1' and delivery.state ~= 'dead' then return 'not_dead' end
elseif ARGV[6] ~= '' then
  delivery = cjson.decode(ARGV[6])
else
  return 'missing'
end
delivery.state = 'pending'
delivery.nextAttemptAt = ARGV[3]
delivery.deliveredAt = nil
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(delivery))
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[2])
redis.call('ZREM', KEYS[5], ARGV[2])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  local current = redis.call('PTTL', KEYS[4])
  if current == -1 or (current >= 0 and current < ttl) then redis.call('PEXPIRE', KEYS[4], ttl) end
end
return 'reopened'
