-- The first step of a creation's admission, in the id's shard: the lookup of an existing approval
-- with this id, and the claim of the id while its creation is in flight (the reservation). The
-- limits are counted next, under the client's own hash tag (ratelimit/count-admission-3.lua); a
-- refusal there frees the reservation again.
--
-- KEYS: record, reservation. ARGV: owner, reservationTtlMs.
-- Returns {'existing', doc, consumedAt|false, consumedReference|false}: the id is stored;
-- {'held', owner}: another request holds the id; {'reserved', mine}: `mine` is 1 when the reservation
-- was already this request's (a retry).
local found = redis.call('HMGET', KEYS[1], 'doc', 'consumedAt', 'consumedReference')
if found[1] then return {'existing', found[1], found[2], found[3]} end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return {'reserved', 0} end
local holder = redis.call('GET', KEYS[2])
if holder ~= ARGV[1] then return {'held', holder or ''} end
return {'reserved', 1}
