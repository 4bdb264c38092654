-- Consume once: a compare-and-set on an approved record. KEYS: record. ARGV: reference (never empty), consumedAt.
-- The consumption lives in its own hash fields beside `doc`, so rewriting the doc (enrichment) cannot lose it.
-- A record consumed before the reference was required has no consumedReference: no reference matches it.
-- Returns 1 consumed now, 2 already consumed with the same reference, 0 consumed with another, -1 gone, -2 not approved.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if status ~= 'approved' then return -2 end
if redis.call('HEXISTS', KEYS[1], 'consumedAt') == 1 then
  local reference = redis.call('HGET', KEYS[1], 'consumedReference')
  if reference and reference == ARGV[1] then return 2 end
  return 0
end
redis.call('HSET', KEYS[1], 'consumedAt', ARGV[2], 'consumedReference', ARGV[1])
return 1
