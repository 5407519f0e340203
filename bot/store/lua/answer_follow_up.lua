-- KEYS[1] follow  KEYS[2] seen:<aid>
-- ARGV[1] seen ttl (s)  ARGV[2] item id  ARGV[3] the clicker's AAD id (from Teams)
-- ARGV[4] done|later|not_me|unreached  ARGV[5] new due date (later)  ARGV[6] version
-- Returns 'ok:<ver>' | 'unknown_item' | 'not_owner' | 'closed' | 'stale'.
-- The twin of bot/domain/follow_up.py: only the named owner answers, once per version.
-- include: _seen
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return refuse('unknown_item') end
local r = cjson.decode(raw)
if r.owner == '' or r.owner ~= ARGV[3] then return refuse('not_owner') end
if r.state == 'done' or r.state == 'back' or r.state == 'unreached' then
  return refuse('closed')
end
if tostring(r.ver) ~= ARGV[6] then return refuse('stale') end
if ARGV[4] == 'done' then r.state = 'done'
elseif ARGV[4] == 'later' then r.state = 'moved'; r.due = ARGV[5]
elseif ARGV[4] == 'not_me' then r.state = 'back'
elseif ARGV[4] == 'unreached' then r.state = 'unreached'  -- the bot itself: the 1:1 failed
else return refuse('unknown_item') end
r.ver = r.ver + 1
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(r))
return answer('ok:' .. r.ver)
