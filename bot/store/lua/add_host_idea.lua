-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] ideas
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] idea record (JSON)
-- ARGV[4] most ideas in the session
-- Returns 'ok:<idea id>' | 'ended' | 'not_host' | 'limit' | 'gone'.
-- A host adds an idea to the coming vote (issue 5): an idea like the others, with no author
-- (by_author is not touched), so it counts for nobody's readiness or limit.
-- include: _seen
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return refuse('gone') end
if status ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if redis.call('HLEN', KEYS[4]) >= tonumber(ARGV[4]) then return refuse('limit') end
local id = tostring(redis.call('HINCRBY', KEYS[1], 'idea_seq', 1))
redis.call('HSET', KEYS[4], id, ARGV[3])
return answer('ok:' .. id)
