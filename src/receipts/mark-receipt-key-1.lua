-- Raises a key's retireAfter, never lowers it (two instances on one key mark it concurrently).
-- KEYS: receipt keys hash. ARGV: field (key:<kid>), entry JSON {jwk, retireAfter}, retireAfter.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and tonumber(cjson.decode(current).retireAfter) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
