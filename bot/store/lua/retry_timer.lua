-- KEYS[1] due zset  KEYS[2] in-flight zset  ARGV[1] timer id  ARGV[2] due again (ms)
-- A run that failed puts its timer back, due again, unless another run already took it.
if redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end
return 1
