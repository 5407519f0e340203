-- KEYS[1] dk:{fx}:due  ARGV[1] session id  ARGV[2] lease ms
-- Returns 1 if the session's effects were due and are now leased to the caller, else 0
-- (nothing due, or another replica holds them).
-- include: _outbox_now
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) > now then return 0 end
redis.call('ZADD', KEYS[1], at(ARGV[2]), ARGV[1])
return 1
