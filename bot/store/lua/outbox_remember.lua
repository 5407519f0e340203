-- KEYS[1] meta  KEYS[2] published (digests)  ARGV[1] mark  ARGV[2] digest of its card
-- What was published for a mark, kept as long as the session's data: a deleted session is
-- not brought back, and one that ended gives the digests its own remaining time.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
