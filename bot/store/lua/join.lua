-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] roster  KEYS[4] roles  KEYS[5] by_author
-- KEYS[6] ballots of the running vote round (any ballots key when no vote runs)
-- ARGV[1] seen ttl (s)  ARGV[2] member tag  ARGV[3] roster record (JSON)
-- ARGV[4] joinable phases, comma-wrapped (",checkin,pitch,")  ARGV[5] the record's role
-- ARGV[6] the joiner's author tag  ARGV[7] their voter tag ('' = no vote runs)
-- ARGV[8] votes per person
-- Returns 'new' | 'updated' | 'ended' | 'wrong_phase' | 'gone'.
-- Readiness counts checked-in people only: someone who sent ideas or used their votes
-- before checking in is counted now (the tags meet here only, and are stored apart).
-- include: _seen
local m = redis.call('HMGET', KEYS[1], 'status', 'phase')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if not string.find(ARGV[4], ',' .. m[2] .. ',', 1, true) then return refuse('wrong_phase') end
local old = redis.call('HGET', KEYS[3], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('HINCRBY', KEYS[4], ARGV[5], 1)
if not old then
  if redis.call('HEXISTS', KEYS[5], '#' .. ARGV[6]) == 1
     or redis.call('HEXISTS', KEYS[5], ARGV[6]) == 1 then  -- the older by_author form
    redis.call('HINCRBY', KEYS[1], 'ready_ideas', 1)
  end
  if ARGV[7] ~= '' and tonumber(redis.call('HGET', KEYS[6], ARGV[7]) or '0') >= tonumber(ARGV[8])
     and redis.call('HSETNX', KEYS[6], ARGV[7] .. '#r', 1) == 1 then
    redis.call('HINCRBY', KEYS[6], '#ready', 1)
  end
  return answer('new')
end
redis.call('HINCRBY', KEYS[4], cjson.decode(old)['role'], -1)
return answer('updated')
