-- One answer of the token endpoint to one CIBA request, atomically across instances.
-- KEYS[1] the request's HASH. ARGV: clientId, state ("approved" | "pending" | "other"), nowMs, slack ms.
-- Returns {"invalid_grant"} (unknown, another client's, or tokens already issued), {"issue"} (this call
-- alone gets the tokens), {"pending", interval}, {"slow_down", interval} or {"other"}.
if redis.call('HGET', KEYS[1], 'clientId') ~= ARGV[1] then return {'invalid_grant'} end
local state = ARGV[2]
if state == 'approved' then
  if redis.call('HSETNX', KEYS[1], 'issued', ARGV[3]) == 0 then return {'invalid_grant'} end
  return {'issue'}
end
if state ~= 'pending' then return {'other'} end
local now = tonumber(ARGV[3])
local interval = tonumber(redis.call('HGET', KEYS[1], 'intervalS'))
local last = redis.call('HGET', KEYS[1], 'lastAnswerMs')
local answer = 'pending'
-- The first poll is never early; later ones are early when they come before the last answer + interval.
if last and now < tonumber(last) + interval * 1000 - tonumber(ARGV[4]) then
  interval = interval + 5
  redis.call('HSET', KEYS[1], 'intervalS', interval)
  answer = 'slow_down'
end
redis.call('HSET', KEYS[1], 'lastAnswerMs', ARGV[3])
return {answer, interval}
