-- Rewrites the document of a record whose status is still ARGV[1] (enrichment that is not a transition). KEYS: record. ARGV: status, doc.
if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'doc', ARGV[2])
return 1
