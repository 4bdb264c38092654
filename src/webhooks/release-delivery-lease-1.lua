-- KEYS: the delivery's lease. ARGV: the holder's token. Ends the lease only if this holder still has
-- it (one that outlived its lease must not end the next holder's). Returns 1 released, 0 not held.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
