-- Claims up to ARGV[3] approvals due at ARGV[1] by scoring them with the lease's end, ARGV[2]: not
-- claimable again until then, when a crashed claimer's polls come due again by themselves.
-- KEYS: due, failures. ARGV[4]: the record keys' prefix (`P:approval:`).
-- Returns [id, failures|nil, doc|nil, …]: each record's doc comes with its claim, so that a poll
-- costs no round trip of its own before it asks Recognize. The record keys cannot be named before
-- the claim picks the ids; they share the prefix, and so the Cluster slot, of the declared keys.
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
  out[3 * i - 2] = id
  out[3 * i - 1] = failures[i]
  out[3 * i] = redis.call('HGET', ARGV[4] .. id, 'doc')
end
return out
