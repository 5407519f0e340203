-- A host's write on the card's rev (MERGE, TOGGLE_OUT). KEYS[1] meta  KEYS[2] seen  KEYS[3] hosts
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] rev on the card.
-- include: _seen
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'phase')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if m[2] ~= ARGV[3] then return refuse('stale') end
