-- A click's session, read whole (the guards of bot/service/handlers.py, in the script):
-- `flat` and `m` are meta; a session that is not there, or lives in another conversation
-- than the click's (ARGV[7]), answers {'gone'} and nothing else.
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return {'gone'} end
local m = {}
for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end
if m['conv_key'] ~= ARGV[7] then return {'gone'} end
