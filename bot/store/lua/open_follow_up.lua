-- KEYS[1] meta  KEYS[2] follow  ARGV[1] item id  ARGV[2] record (JSON)
-- Returns 1 for the call that opened the item's follow-up, 0 if it was open already.
-- Opened after the end: the follow-up keys take the session data's remaining TTL, so
-- they expire with it (retention counts from the end).
local new = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return new
