-- KEYS[1] due zset  KEYS[2] in-flight zset  ARGV[1] now ms for due times ('' = Redis TIME;
-- tests pass their own clock)  ARGV[2] lease ms  ARGV[3] batch
-- Returns the ids this caller now runs: due ones, and in-flight ones whose lease ran out
-- (their runner died). Each id goes to one caller; a rerun is made harmless by tver.
-- Leases are on the Redis clock, so replicas whose clocks differ never steal a live lease.
-- include: _outbox_now
local due_now = now
if ARGV[1] ~= '' then due_now = tonumber(ARGV[1]) end
local until_ms = at(ARGV[2])
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, ARGV[3])) do
  redis.call('ZADD', KEYS[2], until_ms, id); table.insert(out, id)
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', due_now),
  'LIMIT', 0, ARGV[3])
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id); redis.call('ZADD', KEYS[2], until_ms, id); table.insert(out, id)
end
return out
