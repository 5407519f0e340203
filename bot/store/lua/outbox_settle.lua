-- KEYS[1] dk:{outbox}:due  KEYS[2] dk:{outbox}:ver  KEYS[3] dk:{outbox}:fails
-- ARGV[1] mark  ARGV[2] the version claimed  ARGV[3] 'done' | 'failed' | 'later'
-- ARGV[4] ms until it is due again  ARGV[5] failures in a row allowed  ARGV[6] most ms
-- done: published (or nothing to publish). Gone if still at the version claimed; marked
--   again meanwhile: due in ARGV[4] ms (after the lease). A failure count is reset.
-- failed: failure n in a row is due in ARGV[4] * 2^(n-1) ms, at most ARGV[6]; failure
--   ARGV[5] in a row gives up: gone, whatever its version (the next mark starts afresh).
-- later: due in ARGV[4] ms, version kept (the lease is held, or the publish was cut short).
-- Returns 'gone' (the mark was not there) | 'done' | 'again' | 'gave_up'.
-- include: _outbox_now
local m, after = ARGV[1], tonumber(ARGV[4])
if not redis.call('ZSCORE', KEYS[1], m) then
  redis.call('HDEL', KEYS[2], m); redis.call('HDEL', KEYS[3], m); return 'gone'
end
local function drop()
  redis.call('ZREM', KEYS[1], m); redis.call('HDEL', KEYS[2], m); redis.call('HDEL', KEYS[3], m)
end
if ARGV[3] == 'done' then
  redis.call('HDEL', KEYS[3], m)
  if (redis.call('HGET', KEYS[2], m) or '0') == ARGV[2] then drop(); return 'done' end
elseif ARGV[3] == 'failed' then
  local n = redis.call('HINCRBY', KEYS[3], m, 1)
  if n >= tonumber(ARGV[5]) then drop(); return 'gave_up' end
  after = math.min(tonumber(ARGV[6]), after * 2 ^ (n - 1))
end
redis.call('ZADD', KEYS[1], 'XX', at(after), m)
return 'again'
