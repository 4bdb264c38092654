-- KEYS: keySet (a hash). ARGV: jwks (JSON), fetchedAtMs, ttlMs.
-- Keeps the fetched key set unless the hash holds one fetched later: two instances finishing their
-- fetches out of order never put the older set back. Returns 1 written, 0 kept the newer one.
local current = redis.call('HGET', KEYS[1], 'fetchedAtMs')
if current and tonumber(current) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'jwks', ARGV[1], 'fetchedAtMs', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
