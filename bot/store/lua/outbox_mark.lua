-- KEYS[1] dk:{outbox}:due  KEYS[2] dk:{outbox}:ver  ARGV[1], ARGV[2], … marks
-- A new mark is due now. One already there keeps its time (taken, waiting for the lease or
-- for a retry) and only its version moves on: whoever holds it publishes once more.
-- include: _outbox_now
for _, m in ipairs(ARGV) do
  redis.call('HINCRBY', KEYS[2], m, 1)
  redis.call('ZADD', KEYS[1], 'NX', at(0), m)
end
return #ARGV
