-- Drops the given keys that are still past their retireAfter (ARGV[1]); one may have been marked again meanwhile.
-- KEYS: receipt keys hash. ARGV: nowMs, field…
for i = 2, #ARGV do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if current and tonumber(cjson.decode(current).retireAfter) <= tonumber(ARGV[1]) then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 0
