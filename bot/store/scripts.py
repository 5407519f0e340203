"""Lua scripts: every read-modify-write that must be exact under concurrency (STYLE 2.7).

Each records the answer of a write under seen:<activity id>, so a redelivered activity gets
the same answer, prefixed 'again:', and writes nothing more (callers skip side effects such
as announcements). A refusal writes nothing at all.
"""

# The prologue every idempotent script shares. KEYS[1] is always meta, KEYS[2] seen.
_SEEN = """
local prev = redis.call('GET', KEYS[2]); if prev then return 'again:' .. prev end
local function answer(r) redis.call('SET', KEYS[2], r, 'EX', ARGV[1]); return r end
local function refuse(r) return r end  -- a refusal writes nothing, not even its answer
"""

JOIN = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] roster  KEYS[4] roles
-- ARGV[1] seen ttl (s)  ARGV[2] member tag  ARGV[3] roster record (JSON)
-- ARGV[4] joinable phases, comma-wrapped (",checkin,pitch,")  ARGV[5] the record's role
-- Returns 'new' | 'updated' | 'ended' | 'wrong_phase' | 'gone'.
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'phase')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if not string.find(ARGV[4], ',' .. m[2] .. ',', 1, true) then return refuse('wrong_phase') end
local old = redis.call('HGET', KEYS[3], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('HINCRBY', KEYS[4], ARGV[5], 1)
if not old then return answer('new') end
redis.call('HINCRBY', KEYS[4], cjson.decode(old)['role'], -1)
return answer('updated')
"""
)

SUBMIT_IDEA = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] ideas  KEYS[4] by_author
-- ARGV[1] seen ttl (s)  ARGV[2] author tag  ARGV[3] idea record (JSON)  ARGV[4] card rev
-- ARGV[5] max ideas per author
-- Returns 'ok:<idea id>' | 'ended' | 'wrong_phase' | 'stale' | 'limit' | 'gone'.
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'phase', 'rev')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if m[2] ~= 'ideas' then return refuse('wrong_phase') end
if m[3] ~= ARGV[4] then return refuse('stale') end
local mine = redis.call('HGET', KEYS[4], ARGV[2]) or ''
local count = 0
for _ in string.gmatch(mine, '[^,]+') do count = count + 1 end
if count >= tonumber(ARGV[5]) then return refuse('limit') end
local id = tostring(redis.call('HINCRBY', KEYS[1], 'idea_seq', 1))
redis.call('HSET', KEYS[3], id, ARGV[3])
if mine == '' then mine = id else mine = mine .. ',' .. id end
redis.call('HSET', KEYS[4], ARGV[2], mine)
return answer('ok:' .. id)
"""
)

HOST_UPDATE = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4..n] every session key (for end)
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag, '' for the bot itself (a timer)
-- ARGV[3] expected rev  ARGV[4] expected tver ('' = any)  ARGV[5] '1' = bump rev
-- ARGV[6] '1' = end the session  ARGV[7] retention s  ARGV[8] now ms
-- ARGV[9..] field, value pairs to set on meta
-- Returns 'ok:<rev>:<tver>' | 'ended' | 'not_host' | 'stale' | 'gone'.
-- A compare-and-set on rev (and tver): a double click, two hosts at once, or a host and a
-- timer together move the session once. Every change bumps tver: older timers do nothing.
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'tver')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if ARGV[2] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then
  return refuse('not_host')
end
if m[2] ~= ARGV[3] then return refuse('stale') end
if ARGV[4] ~= '' and (m[3] or '0') ~= ARGV[4] then return refuse('stale') end
local rev = tonumber(m[2])
if ARGV[5] == '1' then rev = redis.call('HINCRBY', KEYS[1], 'rev', 1) end
local tver = redis.call('HINCRBY', KEYS[1], 'tver', 1)
for i = 9, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[1], 'status', 'ended', 'ended_ms', ARGV[8], 'phase', 'ended')
  for i = 4, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[7]) end
end
return answer('ok:' .. rev .. ':' .. tver)
"""
)

ADD_HOST = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] new host's member tag
-- ARGV[4] new host's Teams user id (for refresh.userIds)
-- Returns 'ok:added' | 'ok:already' | 'ended' | 'not_host' | 'gone'.
"""
    + _SEEN
    + """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return refuse('gone') end
if status ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if redis.call('SADD', KEYS[3], ARGV[3]) == 0 then return answer('ok:already') end
local uids = redis.call('HGET', KEYS[1], 'cohost_uids') or ''
if uids == '' then uids = ARGV[4] else uids = uids .. ',' .. ARGV[4] end
redis.call('HSET', KEYS[1], 'cohost_uids', uids)
return answer('ok:added')
"""
)

CAST_VOTE = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] tally:<round>  KEYS[4] ballots:<round>
-- ARGV[1] seen ttl (s)  ARGV[2] voter tag  ARGV[3] idea id  ARGV[4] card rev
-- ARGV[5] allowance  ARGV[6] cap per idea  ARGV[7] delta (1 = vote, -1 = take back)
-- ARGV[8] the phase votes belong to: 'voting' (dot voting) or 'groups' (a group's top 3)
-- Returns 'ok:<votes left>' | 'ended' | 'wrong_phase' | 'stale' | 'gone' | 'unknown_idea'
--       | 'no_votes_left' | 'idea_full' | 'none_here' | 'bad_input'.
-- The twin of decide_vote (bot/domain/voting.py): check and count in one step, so 300
-- people voting in the same second give the exact tally and nobody passes the allowance.
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'phase', 'rev')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if m[2] ~= (ARGV[8] or 'voting') then return refuse('wrong_phase') end
if m[3] ~= ARGV[4] then return refuse('stale') end
local delta = tonumber(ARGV[7])
if delta ~= 1 and delta ~= -1 then return refuse('bad_input') end
if redis.call('HEXISTS', KEYS[3], ARGV[3]) == 0 then return refuse('unknown_idea') end
local slot = ARGV[2] .. ':' .. ARGV[3]
local used = tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '0')
local here = tonumber(redis.call('HGET', KEYS[4], slot) or '0')
local allowance = tonumber(ARGV[5])
if delta == -1 then
  if here <= 0 then return refuse('none_here') end
else
  if used >= allowance then return refuse('no_votes_left') end
  if here >= tonumber(ARGV[6]) then return refuse('idea_full') end
end
redis.call('HINCRBY', KEYS[4], ARGV[2], delta)
redis.call('HINCRBY', KEYS[4], slot, delta)
if used + delta == 0 or (used == 0 and delta == 1) then
  redis.call('HINCRBY', KEYS[4], '#voters', delta)  -- people with at least one dot placed
end
redis.call('HINCRBY', KEYS[3], ARGV[3], delta)
return answer('ok:' .. (allowance - used - delta))
"""
)

SAVE_ACTION_ITEM = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] actions
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] item id ('' = new, else replace)
-- ARGV[4] record JSON ('' = remove)  ARGV[5] max items
-- Returns 'ok:<item id>' | 'ended' | 'not_host' | 'wrong_phase' | 'gone' | 'unknown_item'
--       | 'limit'.
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'phase')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if m[2] ~= 'actions' then return refuse('wrong_phase') end
local id = ARGV[3]
if id ~= '' and redis.call('HEXISTS', KEYS[4], id) == 0 then return refuse('unknown_item') end
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[4], id)
  return answer('ok:' .. id)
end
if id == '' then
  if redis.call('HLEN', KEYS[4]) >= tonumber(ARGV[5]) then return refuse('limit') end
  id = tostring(redis.call('HINCRBY', KEYS[1], 'action_seq', 1))
end
redis.call('HSET', KEYS[4], id, ARGV[4])
return answer('ok:' .. id)
"""
)

SUBMIT_INPUT = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] groups  KEYS[4] hosts  KEYS[5] inputs
-- KEYS[6] gtally:<g>
-- ARGV[1] seen ttl (s)  ARGV[2] member tag  ARGV[3] group number  ARGV[4] card rev
-- ARGV[5] input record (JSON)  ARGV[6] max inputs in the session  ARGV[7] question (1|2)
-- Returns 'ok:<input id>' | 'ended' | 'wrong_phase' | 'stale' | 'gone' | 'not_member'
--       | 'limit'.  Only the group's members (and hosts) add to it.
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'phase', 'rev')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if m[2] ~= 'groups' then return refuse('wrong_phase') end
if m[3] ~= ARGV[4] then return refuse('stale') end
if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[3]
   and redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 0 then return refuse('not_member') end
if redis.call('HLEN', KEYS[5]) >= tonumber(ARGV[6]) then return refuse('limit') end
local id = tostring(redis.call('HINCRBY', KEYS[1], 'input_seq', 1))
redis.call('HSET', KEYS[5], id, ARGV[5])
if ARGV[7] == '2' then redis.call('HSET', KEYS[6], id, 0) end  -- in the group's top-3 vote
return answer('ok:' .. id)
"""
)

CATEGORIZE = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] groups  KEYS[4] hosts  KEYS[5] inputs
-- ARGV[1] seen ttl (s)  ARGV[2] member tag  ARGV[3] group number  ARGV[4] input id
-- ARGV[5] category ('' = none)
-- Returns 'ok' | 'ended' | 'wrong_phase' | 'gone' | 'not_member' | 'unknown_input'.
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'phase')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if m[2] ~= 'groups' then return refuse('wrong_phase') end
if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[3]
   and redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 0 then return refuse('not_member') end
local raw = redis.call('HGET', KEYS[5], ARGV[4])
if not raw then return refuse('unknown_input') end
local record = cjson.decode(raw)
if tostring(record['g']) ~= ARGV[3] then return refuse('unknown_input') end
record['cat'] = ARGV[5]
redis.call('HSET', KEYS[5], ARGV[4], cjson.encode(record))
return answer('ok')
"""
)

CLAIM_TIMERS = """
-- KEYS[1] due zset  KEYS[2] in-flight zset  ARGV[1] now ms  ARGV[2] lease ms  ARGV[3] batch
-- Returns the ids this caller now runs: due ones, and in-flight ones whose lease ran out
-- (their runner died). Each id goes to one caller; a rerun is made harmless by tver.
local out = {}
local until_ms = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
  redis.call('ZADD', KEYS[2], until_ms, id); table.insert(out, id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
  redis.call('ZREM', KEYS[1], id); redis.call('ZADD', KEYS[2], until_ms, id); table.insert(out, id)
end
return out
"""

POINT_CONVERSATION = """
-- KEYS[1] dk:conv:<conv key>  ARGV[1] new session id  ARGV[2] the session id we replace ('')
-- Returns 1 when the conversation now points at ARGV[1], 0 when someone else started first.
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""
