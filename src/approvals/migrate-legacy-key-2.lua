-- Moves a key of the former scheme (`P:approval:<id>:events`, `P:approval:<id>:deliveries`) to its
-- place in the current one. KEYS: legacy key, current key. ARGV: the type the legacy key must have.
-- Under `P:approval:` the current scheme keeps only record hashes (with a `status`), so a list there
-- can only be a former event log, and a hash without `status` a former delivery hash. Nothing moves
-- when the current key exists already. RENAME keeps the TTL. Returns 1 when moved.
if redis.call('TYPE', KEYS[1]).ok ~= ARGV[1] then return 0 end
if ARGV[1] == 'hash' and redis.call('HEXISTS', KEYS[1], 'status') == 1 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
return 1
