-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] rev on the card
-- ARGV[4] vote round  ARGV[5] item id
-- Returns 'ok:out' | 'ok:in' | 'stale' | 'not_host' | 'ended' | 'gone'.
-- Leaves an item out of the coming vote round, or brings it back, in one step on meta's
-- vote_out:<round> (JSON list): two hosts toggling at once both count (issue 14).
-- include: _host_check
local f = 'vote_out:' .. ARGV[4]
local out = cjson.decode(redis.call('HGET', KEYS[1], f) or '[]')
local kept, found = {}, false
for _, id in ipairs(out) do
  if id == ARGV[5] then found = true else kept[#kept + 1] = id end
end
if not found then kept[#kept + 1] = ARGV[5] end
if #kept == 0 then redis.call('HSET', KEYS[1], f, '[]')
else redis.call('HSET', KEYS[1], f, cjson.encode(kept)) end
if found then return answer('ok:in') end
return answer('ok:out')
