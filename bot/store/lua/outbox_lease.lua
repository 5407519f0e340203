-- KEYS[1] dk:{sid}:pub, the card's publisher lease  KEYS[2] dk:{sid}:meta (a session card;
-- absent for other cards, whose leases are not in the session's slot)  ARGV[1] interval ms
-- Returns 0: the caller holds the lease now; n > 0: another publish holds it n ms more;
-- -1: the session was deleted, nothing written (so `delete` leaves no lease behind).
if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
return math.max(1, redis.call('PTTL', KEYS[1]))
