-- KEYS[1] dk:{outbox}:due  KEYS[2] dk:{outbox}:ver  ARGV[1] most marks  ARGV[2] claim ms
-- ARGV[3], … marks the caller is still publishing: their claims run ARGV[2] ms more
-- Returns {mark, version, mark, version, …}: the due marks, oldest first, each claimed by
-- the caller for ARGV[2] ms. A claim that runs out (its replica died) makes it due again.
-- include: _claim_due
local out = {}
for _, m in ipairs(claim_due()) do
  table.insert(out, m); table.insert(out, redis.call('HGET', KEYS[2], m) or '0')
end
return out
