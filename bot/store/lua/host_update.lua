-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] effects
-- KEYS[5..n] every session key (for end)
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag, '' for the bot itself (a timer)
-- ARGV[3] expected rev  ARGV[4] expected tver ('' = any)  ARGV[5] '1' = bump rev
-- ARGV[6] '1' = end the session  ARGV[7] retention s  ARGV[8] now ms
-- ARGV[9] effects: JSON [[id, payload], …] ('' = none), recorded with the change (the
--   transactional outbox, bot/service/session/effects.py); "$REV" and "$TVER" in an id or a
--   payload become the new rev and tver, so a repeat of the same change records nothing new
-- ARGV[10..] field, value pairs to set on meta
-- Returns 'ok:<rev>:<tver>' | 'ended' | 'not_host' | 'stale' | 'gone'.
-- A compare-and-set on rev (and tver): a double click, two hosts at once, or a host and a
-- timer together move the session once. Every change bumps tver: older timers do nothing.
-- include: _seen
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'tver')
if not m[1] then return refuse('gone') end
-- An adjourned session only ends (bot/domain/adjournment.py); nothing else moves it.
if m[1] ~= 'active' and not (m[1] == 'adjourned' and ARGV[6] == '1') then
  return refuse('ended')
end
if ARGV[2] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then
  return refuse('not_host')
end
if m[2] ~= ARGV[3] then return refuse('stale') end
if ARGV[4] ~= '' and (m[3] or '0') ~= ARGV[4] then return refuse('stale') end
local rev = tonumber(m[2])
if ARGV[5] == '1' then rev = redis.call('HINCRBY', KEYS[1], 'rev', 1) end
local tver = redis.call('HINCRBY', KEYS[1], 'tver', 1)
for i = 10, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'host_seen_ms', ARGV[8]) end  -- a host acted
if ARGV[9] ~= '' then
  for _, e in ipairs(cjson.decode(ARGV[9])) do
    local id = string.gsub(string.gsub(e[1], '%$TVER', tver), '%$REV', rev)
    local body = string.gsub(string.gsub(e[2], '%$TVER', tver), '%$REV', rev)
    redis.call('HSETNX', KEYS[4], id, body)
  end
end
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[1], 'status', 'ended', 'ended_ms', ARGV[8], 'phase', 'ended')
  for i = 5, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[7]) end
end
return answer('ok:' .. rev .. ':' .. tver)
