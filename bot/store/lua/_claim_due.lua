-- The lease both queues share (OUTBOX_CLAIM, EFFECTS_CLAIM), on the Redis clock: KEYS[1]
-- the due zset, ARGV[1] most entries, ARGV[2] lease ms, ARGV[3], … entries the caller still
-- works on (their leases run ARGV[2] ms more). Returns the due entries, now leased.
-- include: _outbox_now
local function claim_due()
  local until_ms = at(ARGV[2])
  for i = 3, #ARGV do redis.call('ZADD', KEYS[1], 'XX', until_ms, ARGV[i]) end
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[1])
  for _, m in ipairs(due) do redis.call('ZADD', KEYS[1], until_ms, m) end
  return due
end
