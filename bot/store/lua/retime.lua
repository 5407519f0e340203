-- pause / extend / resume, computed here from what the session holds now, so a pause and
-- a "+5" pressed together both take effect (a read in Python and a write here would lose
-- one). The twins in tests/oracles.py (extended_end, remaining_ms) are its oracles.
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] effects
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] expected rev
-- ARGV[4] 'pause' | 'extend' | 'resume'  ARGV[5] minutes (extend)  ARGV[6] now ms
-- ARGV[7] reminder s (for the timers effect)
-- Returns 'ok:<rev>:<tver>:<phase ends ms>:<paused left ms>' | 'already_paused' | 'untimed'
--       | 'not_paused' | 'ended' | 'not_host' | 'stale' | 'gone'.
-- Records the effects 'timers:<tver>' and 'card:<tver>' (bot/service/session/effects.py).
-- include: _seen
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'phase_ends_ms', 'paused_left_ms')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if m[2] ~= ARGV[3] then return refuse('stale') end
local ends, left = tonumber(m[3] or '0'), tonumber(m[4] or '0')
local now, op = tonumber(ARGV[6]), ARGV[4]
if op == 'pause' then
  if left > 0 then return refuse('already_paused') end
  if ends == 0 then return refuse('untimed') end
  left = math.max(1, ends - now); ends = 0
elseif op == 'extend' then
  local add = tonumber(ARGV[5]) * 60000
  if left > 0 then left = left + add
  elseif ends == 0 then return refuse('untimed')
  else ends = math.max(ends, now) + add end
elseif op == 'resume' then
  if left == 0 then return refuse('not_paused') end
  ends = now + left; left = 0
else
  return refuse('bad_input')
end
local tver = redis.call('HINCRBY', KEYS[1], 'tver', 1)
local e, l = string.format('%.0f', ends), string.format('%.0f', left)
redis.call('HSET', KEYS[1], 'phase_ends_ms', e, 'paused_left_ms', l, 'host_seen_ms', ARGV[6])
redis.call('HSETNX', KEYS[4], 'timers:' .. tver, cjson.encode({kind = 'timers', tver = tver,
  seq = 0, ends = ends, now = now, reminder = tonumber(ARGV[7])}))
redis.call('HSETNX', KEYS[4], 'card:' .. tver, cjson.encode({kind = 'card', tver = tver, seq = 1}))
return answer('ok:' .. m[2] .. ':' .. tver .. ':' .. e .. ':' .. l)
