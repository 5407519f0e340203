-- KEYS[1] effects of a session  ARGV[1] effect id  ARGV[2] the payload that was run
-- ARGV[3] '' = done (removed), else the payload to keep (a failure: its tries counted)
-- Only if the effect is still what was run: a concurrent run changes nothing twice.
-- Returns 1 if settled, 0 if someone else had settled it.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1])
else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
