-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] groups  KEYS[4] hosts  KEYS[5] inputs
-- KEYS[6] gtally:<g>
-- ARGV[1] seen ttl (s)  ARGV[2] member tag  ARGV[3] group number  ARGV[4] card rev
-- ARGV[5] input record (JSON)  ARGV[6] max inputs in the session  ARGV[7] question (1|2)
-- Returns 'ok:<input id>' | 'ended' | 'wrong_phase' | 'stale' | 'gone' | 'not_member'
--       | 'limit'.  Only the group's members (and hosts) add to it.
-- include: _seen
local m = redis.call('HMGET', KEYS[1], 'status', 'phase', 'rev')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if m[2] ~= 'groups' then return refuse('wrong_phase') end
if m[3] ~= ARGV[4] then return refuse('stale') end
if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[3]
   and redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 0 then return refuse('not_member') end
if redis.call('HLEN', KEYS[5]) >= tonumber(ARGV[6]) then return refuse('limit') end
local id = tostring(redis.call('HINCRBY', KEYS[1], 'input_seq', 1))
redis.call('HSET', KEYS[5], id, ARGV[5])
if ARGV[7] == '2' then redis.call('HSET', KEYS[6], id, 0) end  -- in the group's top-3 vote
return answer('ok:' .. id)
