-- KEYS[1] dk:conv:<conv key>  ARGV[1] new session id  ARGV[2] the session id we replace ('')
-- Returns 1 when the conversation now points at ARGV[1], 0 when someone else started first.
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
