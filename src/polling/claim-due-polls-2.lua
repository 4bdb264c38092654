-- Claims up to ARGV[3] approvals due at ARGV[1] by scoring them with the lease's end, ARGV[2]: not
-- claimable again until then, when a crashed claimer's polls come due again by themselves.
-- KEYS: due, failures. Returns [id, failures|nil, id, failures|nil, …].
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
if #ids == 0 then return {} end
local leased = {}
for i, id in ipairs(ids) do
  leased[2 * i - 1] = ARGV[2]
  leased[2 * i] = id
end
redis.call('ZADD', KEYS[1], unpack(leased))
local failures = redis.call('HMGET', KEYS[2], unpack(ids))
local out = {}
for i, id in ipairs(ids) do
  out[2 * i - 1] = id
  out[2 * i] = failures[i]
end
return out
