-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] groups  KEYS[4] hosts  KEYS[5] inputs
-- ARGV[1] seen ttl (s)  ARGV[2] member tag  ARGV[3] group number  ARGV[4] input id
-- ARGV[5] category ('' = none)
-- Returns 'ok' | 'ended' | 'wrong_phase' | 'gone' | 'not_member' | 'unknown_input'.
-- include: _seen
local m = redis.call('HMGET', KEYS[1], 'status', 'phase')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if m[2] ~= 'groups' then return refuse('wrong_phase') end
if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[3]
   and redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 0 then return refuse('not_member') end
local raw = redis.call('HGET', KEYS[5], ARGV[4])
if not raw then return refuse('unknown_input') end
local record = cjson.decode(raw)
if tostring(record['g']) ~= ARGV[3] then return refuse('unknown_input') end
record['cat'] = ARGV[5]
redis.call('HSET', KEYS[5], ARGV[4], cjson.encode(record))
return answer('ok')
