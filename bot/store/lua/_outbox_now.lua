-- The Redis clock: `now` (epoch ms) and `at(ms)`, now + ms as an integer string.
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function at(ms) return string.format('%.0f', now + tonumber(ms)) end
