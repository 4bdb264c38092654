-- Writes back what polls decided, as triples in ARGV: id, next poll time in ms or 'done', new
-- failure count or '' when unchanged. A next time is written only while the id is still in the
-- due set (ZADD XX semantics): an approval decided meanwhile (cancelled, expired) was removed by its
-- transition and must not come back. KEYS: due, failures. Returns the number rescheduled.
local rescheduled = 0
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  if ARGV[i + 1] == 'done' then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
  elseif redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], id)
    rescheduled = rescheduled + 1
    if ARGV[i + 2] == '0' then
      redis.call('HDEL', KEYS[2], id)
    elseif ARGV[i + 2] ~= '' then
      redis.call('HSET', KEYS[2], id, ARGV[i + 2])
    end
  end
end
return rescheduled
