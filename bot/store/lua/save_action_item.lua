-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] actions
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] item id ('' = new, else replace)
-- ARGV[4] record JSON ('' = remove)  ARGV[5] max items
-- Returns 'ok:<item id>' | 'ended' | 'not_host' | 'wrong_phase' | 'gone' | 'unknown_item'
--       | 'limit'.
-- include: _seen
local m = redis.call('HMGET', KEYS[1], 'status', 'phase')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if m[2] ~= 'actions' then return refuse('wrong_phase') end
local id = ARGV[3]
if id ~= '' and redis.call('HEXISTS', KEYS[4], id) == 0 then return refuse('unknown_item') end
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[4], id)
  return answer('ok:' .. id)
end
if id == '' then
  if redis.call('HLEN', KEYS[4]) >= tonumber(ARGV[5]) then return refuse('limit') end
  id = tostring(redis.call('HINCRBY', KEYS[1], 'action_seq', 1))
end
redis.call('HSET', KEYS[4], id, ARGV[4])
return answer('ok:' .. id)
