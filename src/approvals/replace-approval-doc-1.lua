-- Replaces the document only while it is still exactly ARGV[1]: a change in between (a transition, an
-- enrichment) makes the caller read again, so neither write is lost. KEYS: record. ARGV: expected doc, new doc.
if redis.call('HGET', KEYS[1], 'doc') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'doc', ARGV[2])
return 1
