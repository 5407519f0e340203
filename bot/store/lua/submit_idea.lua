-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] ideas  KEYS[4] by_author  KEYS[5] roster
-- ARGV[1] seen ttl (s)  ARGV[2] author tag  ARGV[3] idea record (JSON)  ARGV[4] card rev
-- ARGV[5] max ideas per author  ARGV[6] the author's member tag (readiness only)
-- ARGV[7] the author's own key (bot/domain/tags.py own_key)
-- Returns 'ok:<idea id>' | 'ended' | 'wrong_phase' | 'stale' | 'limit' | 'gone'.
-- include: _seen
-- include: _add_idea
local m = redis.call('HMGET', KEYS[1], 'status', 'phase', 'rev')
local r = add_idea(m[1], m[2], m[3], ARGV[7])
if string.sub(r, 1, 3) == 'ok:' then return answer(r) end
return refuse(r)
