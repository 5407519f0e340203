-- KEYS[1] dk:{pace}:<conversation id>  zset: booking id -> slot (epoch ms, Redis clock)
-- ARGV[1] booking id (unique)  ARGV[2] most ms to wait
-- ARGV[3], ARGV[4], … pairs: window ms (guard included), most operations in the window
-- Returns {1, wait ms, slot ms}: booked, call in wait ms (0 = now), or
--         {0, wait ms, slot ms}: the earliest slot is further than ARGV[2]; nothing booked.
-- The earliest slot: not before now nor before the newest booking (first come, first
-- served, so later bookings never sit between earlier ones), and for each window at least
-- one window after the booking `most` places back, so no window ever holds more than most.
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local longest = 0
for i = 3, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - longest))
local at = now
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if newest[2] then at = math.max(at, tonumber(newest[2])) end
for i = 3, #ARGV, 2 do
  local window, most = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local back = redis.call('ZREVRANGE', KEYS[1], most - 1, most - 1, 'WITHSCORES')
  if back[2] then at = math.max(at, tonumber(back[2]) + window) end
end
local wait = at - now
if wait > tonumber(ARGV[2]) then return {0, wait, at} end
redis.call('ZADD', KEYS[1], string.format('%.0f', at), ARGV[1])
redis.call('PEXPIRE', KEYS[1], wait + longest + 1000)
return {1, wait, at}
