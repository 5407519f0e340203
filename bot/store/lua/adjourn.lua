-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] effects
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] expected rev  ARGV[4] now ms
-- ARGV[5] planned resume ms ('0' = not said)  ARGV[6] '1' = a day without a time
-- ARGV[7] the host's note ('' = none)
-- Records the effects 'card:<tver>' and 'adjourned:<tver>' (the card that says so).
-- Returns 'ok:<rev>:<tver>' | 'adjourned' | 'ended' | 'setup' | 'not_host' | 'stale' | 'gone'.
-- Status 'adjourned' makes every participant script refuse (they require 'active') and
-- HOST_UPDATE refuse all but the end; the tver bump turns every planned timer into a no-op.
-- The time left is taken here, in the same step (twin: time_left_ms in tests/oracles.py).
-- include: _seen
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'phase', 'phase_ends_ms',
  'paused_left_ms')
if not m[1] then return refuse('gone') end
if m[1] == 'adjourned' then return refuse('adjourned') end
if m[1] ~= 'active' or m[3] == 'ended' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if m[2] ~= ARGV[3] then return refuse('stale') end
if m[3] == 'setup' then return refuse('setup') end
local paused, ends, now = tonumber(m[5] or '0'), tonumber(m[4] or '0'), tonumber(ARGV[4])
local left = 0
if paused > 0 then left = paused elseif ends > 0 then left = math.max(0, ends - now) end
local tver = redis.call('HINCRBY', KEYS[1], 'tver', 1)
redis.call('HSET', KEYS[1], 'status', 'adjourned', 'adjourned_ms', ARGV[4],
  'adjourned_left_ms', string.format('%.0f', left), 'phase_ends_ms', '0', 'paused_left_ms', '0',
  'resume_ms', ARGV[5], 'resume_day_only', ARGV[6], 'resume_note', ARGV[7])
redis.call('HSETNX', KEYS[4], 'card:' .. tver, cjson.encode({kind = 'card', tver = tver, seq = 0}))
redis.call('HSETNX', KEYS[4], 'adjourned:' .. tver,
  cjson.encode({kind = 'adjourned', tver = tver, seq = 1}))
return answer('ok:' .. m[2] .. ':' .. tver)
