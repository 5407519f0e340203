-- KEYS[1] dk:{fx}:due  KEYS[2] effects of the session  ARGV[1] session id
-- ARGV[2] ms until the effects left are due again
-- Nothing left: the session leaves the index (in the same step as the check, so an effect
-- recorded meanwhile keeps it). Effects left: due again in ARGV[2] ms.
-- include: _outbox_now
if redis.call('HLEN', KEYS[2]) == 0 then redis.call('ZREM', KEYS[1], ARGV[1]); return 0 end
redis.call('ZADD', KEYS[1], at(ARGV[2]), ARGV[1])
return 1
