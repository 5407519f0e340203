-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] new host's member tag
-- ARGV[4] new host's Teams user id (for refresh.userIds)
-- Returns 'ok:added' | 'ok:already' | 'ended' | 'not_host' | 'gone'.
-- include: _seen
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return refuse('gone') end
if status ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if redis.call('SADD', KEYS[3], ARGV[3]) == 0 then return answer('ok:already') end
local uids = redis.call('HGET', KEYS[1], 'cohost_uids') or ''
if uids == '' then uids = ARGV[4] else uids = uids .. ',' .. ARGV[4] end
redis.call('HSET', KEYS[1], 'cohost_uids', uids)
return answer('ok:added')
