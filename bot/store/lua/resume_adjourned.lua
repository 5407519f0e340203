-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] effects
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] now ms  ARGV[4] least time left ms
-- ARGV[5] reminder s
-- Records the effects 'timers:<tver>', 'card:<tver>' and 'resumed:<tver>'.
-- Returns 'ok:<rev>:<tver>:<phase ends ms>' | 'not_adjourned' | 'ended' | 'not_host' | 'gone'.
-- The phase goes on where it was, with the time it had left (twin: resumed_end_ms in
-- tests/oracles.py); the rev stays, so every card drawn before still works.
-- include: _seen
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'adjourned_left_ms')
if not m[1] then return refuse('gone') end
if m[1] == 'active' then return refuse('not_adjourned') end
if m[1] ~= 'adjourned' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
local left = tonumber(m[3] or '0')
local ends = '0'
if left > 0 then
  ends = string.format('%.0f', tonumber(ARGV[3]) + math.max(left, tonumber(ARGV[4])))
end
local tver = redis.call('HINCRBY', KEYS[1], 'tver', 1)
redis.call('HSET', KEYS[1], 'status', 'active', 'phase_ends_ms', ends, 'paused_left_ms', '0',
  'adjourned_left_ms', '0', 'resume_ms', '0', 'resume_day_only', '0', 'resume_note', '',
  'resumed_ms', ARGV[3])
redis.call('HSETNX', KEYS[4], 'timers:' .. tver, cjson.encode({kind = 'timers', tver = tver,
  seq = 0, ends = tonumber(ends), now = tonumber(ARGV[3]), reminder = tonumber(ARGV[5])}))
redis.call('HSETNX', KEYS[4], 'card:' .. tver, cjson.encode({kind = 'card', tver = tver, seq = 1}))
redis.call('HSETNX', KEYS[4], 'resumed:' .. tver, cjson.encode({kind = 'resumed', tver = tver,
  seq = 2, ends = tonumber(ends), now = tonumber(ARGV[3])}))
return answer('ok:' .. m[2] .. ':' .. tver .. ':' .. ends)
