-- KEYS[1] in-flight zset  ARGV[1] lease ms  ARGV[2], … timer ids still running here
-- Their leases run ARGV[1] ms more (Redis clock): a slow send never lets another replica
-- run the same timer meanwhile.
-- include: _outbox_now
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', at(ARGV[1]), ARGV[i]) end
return #ARGV - 1
