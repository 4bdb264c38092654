-- Claims up to ARGV[3] approvals due at ARGV[1] by scoring them with the lease's end, ARGV[2]: not
-- claimable again until then, when a crashed claimer's polls come due again by themselves.
-- KEYS: due, failures. ARGV[4]: the record keys' prefix (`P:approval:`).
-- Returns [id, failures|nil, doc|nil, due time, …]: each record's doc comes with its claim, so that
-- a poll costs no round trip of its own before it asks Recognize; the due time (the score before the
-- lease) lets the next poll keep the approval's rhythm. The record keys cannot be named before
-- the claim picks the ids; they share the prefix, and so the Cluster slot, of the declared keys.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, ARGV[3])
if #due == 0 then return {} end
local ids, leased = {}, {}
for i = 1, #due, 2 do
  ids[#ids + 1] = due[i]
  leased[i] = ARGV[2]
  leased[i + 1] = due[i]
end
redis.call('ZADD', KEYS[1], unpack(leased))
local failures = redis.call('HMGET', KEYS[2], unpack(ids))
local out = {}
for i, id in ipairs(ids) do
  out[4 * i - 3] = id
  out[4 * i - 2] = failures[i]
  out[4 * i - 1] = redis.call('HGET', ARGV[4] .. id, 'doc')
  out[4 * i] = due[2 * i]
end
return out
