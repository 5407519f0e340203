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

# A click's session, read whole (the guards of bot/service/handlers.py, in the script):
# `flat` and `m` are meta; a session that is not there, or lives in another conversation
# than the click's (ARGV[7]), answers {'gone'} and nothing else.
_CLICKED = """
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return {'gone'} end
local m = {}
for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end
if m['conv_key'] ~= ARGV[7] then return {'gone'} end
"""

JOIN = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] roster  KEYS[4] roles  KEYS[5] by_author
-- KEYS[6] ballots of the running vote round (any ballots key when no vote runs)
-- ARGV[1] seen ttl (s)  ARGV[2] member tag  ARGV[3] roster record (JSON)
-- ARGV[4] joinable phases, comma-wrapped (",checkin,pitch,")  ARGV[5] the record's role
-- ARGV[6] the joiner's author tag  ARGV[7] their voter tag ('' = no vote runs)
-- ARGV[8] votes per person
-- Returns 'new' | 'updated' | 'ended' | 'wrong_phase' | 'gone'.
-- Readiness counts checked-in people only: someone who sent ideas or used their votes
-- before checking in is counted now (the tags meet here only, and are stored apart).
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
if not old then
  if redis.call('HEXISTS', KEYS[5], '#' .. ARGV[6]) == 1
     or redis.call('HEXISTS', KEYS[5], ARGV[6]) == 1 then  -- the older by_author form
    redis.call('HINCRBY', KEYS[1], 'ready_ideas', 1)
  end
  if ARGV[7] ~= '' and tonumber(redis.call('HGET', KEYS[6], ARGV[7]) or '0') >= tonumber(ARGV[8])
     and redis.call('HSETNX', KEYS[6], ARGV[7] .. '#r', 1) == 1 then
    redis.call('HINCRBY', KEYS[6], '#ready', 1)
  end
  return answer('new')
end
redis.call('HINCRBY', KEYS[4], cjson.decode(old)['role'], -1)
return answer('updated')
"""
)

# A person's own ideas and adding one (SUBMIT_IDEA, IDEA_CLICK, MY_IDEAS, OWN_IDEA); the
# caller's KEYS[4] is by_author, KEYS[3] ideas, KEYS[5] roster, ARGV[2] the author tag.
# by_author holds '#<author tag>' -> how many ideas they sent, and '<slot k>' -> the id of
# their k-th, where slot k = sha1(own key ':' k): the own key comes with the request and is
# never stored (bot/domain/tags.py own_key). An entry '<author tag>' -> "3,7" is the older
# form, still read.
_OWN_IDEAS = """
local function own_slot(own, k) return redis.sha1hex(own .. ':' .. k) end
local function own_ids(own)
  local ids = {}
  for id in string.gmatch(redis.call('HGET', KEYS[4], ARGV[2]) or '', '[^,]+') do
    table.insert(ids, id)
  end
  local n = tonumber(redis.call('HGET', KEYS[4], '#' .. ARGV[2]) or '0')
  local fields = {}
  if own ~= '' then for k = 1, n do table.insert(fields, own_slot(own, k)) end end
  if #fields > 0 then
    for _, id in ipairs(redis.call('HMGET', KEYS[4], unpack(fields))) do
      if id then table.insert(ids, id) end
    end
  end
  return ids, n
end
"""

# Returns 'ok:<idea id>' or a refusal code; writes only when ok.
_ADD_IDEA = (
    _OWN_IDEAS
    + """
local function add_idea(status, phase, rev, own)
  if not status then return 'gone' end
  if status ~= 'active' then return 'ended' end
  if phase ~= 'ideas' then return 'wrong_phase' end
  if rev ~= ARGV[4] then return 'stale' end
  local ids, n = own_ids(own)
  local legacy = 0
  for _ in string.gmatch(redis.call('HGET', KEYS[4], ARGV[2]) or '', '[^,]+') do
    legacy = legacy + 1
  end
  if n + legacy >= tonumber(ARGV[5]) then return 'limit' end  -- sent, withdrawn ones too
  if own == '' then return 'limit' end
  local id = tostring(redis.call('HINCRBY', KEYS[1], 'idea_seq', 1))
  redis.call('HSET', KEYS[3], id, ARGV[3])
  if #ids == 0 and redis.call('HEXISTS', KEYS[5], ARGV[6]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'ready_ideas', 1)  -- checked-in people who sent an idea
  end
  redis.call('HSET', KEYS[4], own_slot(own, n + 1), id)
  redis.call('HINCRBY', KEYS[4], '#' .. ARGV[2], 1)
  return 'ok:' .. id
end
"""
)

MY_IDEAS = (
    """
-- KEYS[3] ideas (unused)  KEYS[4] by_author  ARGV[2] author tag  ARGV[3] their own key
-- Returns the ids of the author's ideas.
"""
    + _OWN_IDEAS
    + """
local ids = own_ids(ARGV[3])
return ids
"""
)

SUBMIT_IDEA = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] ideas  KEYS[4] by_author  KEYS[5] roster
-- ARGV[1] seen ttl (s)  ARGV[2] author tag  ARGV[3] idea record (JSON)  ARGV[4] card rev
-- ARGV[5] max ideas per author  ARGV[6] the author's member tag (readiness only)
-- ARGV[7] the author's own key (bot/domain/tags.py own_key)
-- Returns 'ok:<idea id>' | 'ended' | 'wrong_phase' | 'stale' | 'limit' | 'gone'.
"""
    + _SEEN
    + _ADD_IDEA
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'phase', 'rev')
local r = add_idea(m[1], m[2], m[3], ARGV[7])
if string.sub(r, 1, 3) == 'ok:' then return answer(r) end
return refuse(r)
"""
)

IDEA_CLICK = (
    """
-- An idea sent from the idea card, whole, in one round trip: the session checks of
-- handlers.py, the write (as SUBMIT_IDEA), and what the author's answer needs.
-- KEYS[1..5], ARGV[1..6] as SUBMIT_IDEA; KEYS[6] hidden  KEYS[7] roles
-- ARGV[7] the clicking conversation's key  ARGV[8] '1' = send, '0' = only look
-- ARGV[9] the author's own key
-- Returns {code, ready, checked in, n, my idea ids (n), their records (n),
--          hidden flags (n), meta field, value, …}
-- code: 'look' | 'ok:<id>' | 'again:ok:<id>' | a refusal | 'gone' (nothing else follows).
"""
    + _ADD_IDEA
    + _CLICKED
    + """
local code = 'look'
if ARGV[8] == '1' then
  local prev = redis.call('GET', KEYS[2])
  if prev then code = 'again:' .. prev
  else
    code = add_idea(m['status'], m['phase'], m['rev'], ARGV[9])
    if string.sub(code, 1, 3) == 'ok:' then redis.call('SET', KEYS[2], code, 'EX', ARGV[1]) end
  end
end
local ids = own_ids(ARGV[9])
local records, hidden = {}, {}
if #ids > 0 then
  records = redis.call('HMGET', KEYS[3], unpack(ids))
  hidden = redis.call('HMGET', KEYS[6], unpack(ids))
end
local joined = 0
for _, n in ipairs(redis.call('HVALS', KEYS[7])) do joined = joined + math.max(0, tonumber(n)) end
local ready = redis.call('HGET', KEYS[1], 'ready_ideas') or '0'
local out = {code, ready, joined, #ids}
for _, v in ipairs(ids) do table.insert(out, v) end
for i = 1, #ids do table.insert(out, records[i] or '') end
for i = 1, #ids do if hidden[i] then table.insert(out, '1') else table.insert(out, '0') end end
for _, v in ipairs(flat) do table.insert(out, v) end
return out
"""
)

OWN_IDEA = (
    """
-- An author edits or withdraws their own idea while the idea round is open (issue 16),
-- still anonymously: the idea is found through the author's own slots, which only their
-- request can compute. KEYS[1..5] as SUBMIT_IDEA, KEYS[6] hidden
-- ARGV[1] seen ttl (s)  ARGV[2] author tag  ARGV[3] the new text ('' = withdraw)
-- ARGV[4] card rev  ARGV[5] (unused)  ARGV[6] member tag  ARGV[7] the author's own key
-- ARGV[8] the idea id
-- Returns 'ok:edited' | 'ok:withdrawn' | 'ended' | 'wrong_phase' | 'stale' | 'gone'
--       | 'not_yours' (no such idea of this author) | 'hidden' (a hidden idea is not edited).
"""
    + _SEEN
    + _OWN_IDEAS
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'phase', 'rev')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if m[2] ~= 'ideas' then return refuse('wrong_phase') end
if m[3] ~= ARGV[4] then return refuse('stale') end
local ids = own_ids(ARGV[7])
local mine = false
for _, id in ipairs(ids) do if id == ARGV[8] then mine = true end end
local record = redis.call('HGET', KEYS[3], ARGV[8])
if not mine or not record then return refuse('not_yours') end
local hidden = redis.call('HEXISTS', KEYS[6], ARGV[8]) == 1
if ARGV[3] ~= '' then
  if hidden then return refuse('hidden') end
  local data = cjson.decode(record)
  data['text'] = ARGV[3]
  redis.call('HSET', KEYS[3], ARGV[8], cjson.encode(data))
  return answer('ok:edited')
end
redis.call('HDEL', KEYS[3], ARGV[8])
if hidden then
  redis.call('HDEL', KEYS[6], ARGV[8]); redis.call('HINCRBY', KEYS[6], '#ideas', -1)
end
local n = tonumber(redis.call('HGET', KEYS[4], '#' .. ARGV[2]) or '0')
for k = 1, n do
  local slot = own_slot(ARGV[7], k)
  if redis.call('HGET', KEYS[4], slot) == ARGV[8] then redis.call('HDEL', KEYS[4], slot) end
end
local older = redis.call('HGET', KEYS[4], ARGV[2])  -- the older list form
if older then
  local kept = {}
  for id in string.gmatch(older, '[^,]+') do if id ~= ARGV[8] then table.insert(kept, id) end end
  redis.call('HSET', KEYS[4], ARGV[2], table.concat(kept, ','))
end
if #ids == 1 and redis.call('HEXISTS', KEYS[5], ARGV[6]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'ready_ideas', -1)  -- they have no idea in the round now
end
return answer('ok:withdrawn')
"""
)

HOST_UPDATE = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] effects
-- KEYS[5..n] every session key (for end)
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag, '' for the bot itself (a timer)
-- ARGV[3] expected rev  ARGV[4] expected tver ('' = any)  ARGV[5] '1' = bump rev
-- ARGV[6] '1' = end the session  ARGV[7] retention s  ARGV[8] now ms
-- ARGV[9] effects: JSON [[id, payload], …] ('' = none), recorded with the change (the
--   transactional outbox, bot/service/session/effects.py); "$REV" and "$TVER" in an id or a
--   payload become the new rev and tver, so a repeat of the same change records nothing new
-- ARGV[10..] field, value pairs to set on meta
-- Returns 'ok:<rev>:<tver>' | 'ended' | 'not_host' | 'stale' | 'gone'.
-- A compare-and-set on rev (and tver): a double click, two hosts at once, or a host and a
-- timer together move the session once. Every change bumps tver: older timers do nothing.
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'tver')
if not m[1] then return refuse('gone') end
-- An adjourned session only ends (bot/domain/adjournment.py); nothing else moves it.
if m[1] ~= 'active' and not (m[1] == 'adjourned' and ARGV[6] == '1') then
  return refuse('ended')
end
if ARGV[2] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then
  return refuse('not_host')
end
if m[2] ~= ARGV[3] then return refuse('stale') end
if ARGV[4] ~= '' and (m[3] or '0') ~= ARGV[4] then return refuse('stale') end
local rev = tonumber(m[2])
if ARGV[5] == '1' then rev = redis.call('HINCRBY', KEYS[1], 'rev', 1) end
local tver = redis.call('HINCRBY', KEYS[1], 'tver', 1)
for i = 10, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'host_seen_ms', ARGV[8]) end  -- a host acted
if ARGV[9] ~= '' then
  for _, e in ipairs(cjson.decode(ARGV[9])) do
    local id = string.gsub(string.gsub(e[1], '%$TVER', tver), '%$REV', rev)
    local body = string.gsub(string.gsub(e[2], '%$TVER', tver), '%$REV', rev)
    redis.call('HSETNX', KEYS[4], id, body)
  end
end
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[1], 'status', 'ended', 'ended_ms', ARGV[8], 'phase', 'ended')
  for i = 5, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[7]) end
end
return answer('ok:' .. rev .. ':' .. tver)
"""
)

RETIME = (
    """
-- pause / extend / resume, computed here from what the session holds now, so a pause and
-- a "+5" pressed together both take effect (a read in Python and a write here would lose
-- one). The twins in bot/domain/timers.py (extended_end, remaining_ms) are its oracles.
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] effects
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] expected rev
-- ARGV[4] 'pause' | 'extend' | 'resume'  ARGV[5] minutes (extend)  ARGV[6] now ms
-- ARGV[7] reminder s (for the timers effect)
-- Returns 'ok:<rev>:<tver>:<phase ends ms>:<paused left ms>' | 'already_paused' | 'untimed'
--       | 'not_paused' | 'ended' | 'not_host' | 'stale' | 'gone'.
-- Records the effects 'timers:<tver>' and 'card:<tver>' (bot/service/session/effects.py).
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'phase_ends_ms', 'paused_left_ms')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if m[2] ~= ARGV[3] then return refuse('stale') end
local ends, left = tonumber(m[3] or '0'), tonumber(m[4] or '0')
local now, op = tonumber(ARGV[6]), ARGV[4]
if op == 'pause' then
  if left > 0 then return refuse('already_paused') end
  if ends == 0 then return refuse('untimed') end
  left = math.max(1, ends - now); ends = 0
elseif op == 'extend' then
  local add = tonumber(ARGV[5]) * 60000
  if left > 0 then left = left + add
  elseif ends == 0 then return refuse('untimed')
  else ends = math.max(ends, now) + add end
elseif op == 'resume' then
  if left == 0 then return refuse('not_paused') end
  ends = now + left; left = 0
else
  return refuse('bad_input')
end
local tver = redis.call('HINCRBY', KEYS[1], 'tver', 1)
local e, l = string.format('%.0f', ends), string.format('%.0f', left)
redis.call('HSET', KEYS[1], 'phase_ends_ms', e, 'paused_left_ms', l, 'host_seen_ms', ARGV[6])
redis.call('HSETNX', KEYS[4], 'timers:' .. tver, cjson.encode({kind = 'timers', tver = tver,
  seq = 0, ends = ends, now = now, reminder = tonumber(ARGV[7])}))
redis.call('HSETNX', KEYS[4], 'card:' .. tver, cjson.encode({kind = 'card', tver = tver, seq = 1}))
return answer('ok:' .. m[2] .. ':' .. tver .. ':' .. e .. ':' .. l)
"""
)

GROUP_PICK = """
-- A member settles a tie at the cut of their group's top 3, in one step: two members
-- picking at once never lose a pick nor put one input in twice.
-- KEYS[1] meta  KEYS[2] group places  ARGV[1] group  ARGV[2] input id  ARGV[3] top size
-- Returns 'ok' | 'ended' | 'unknown_input' (not tied, already in, or the top 3 is full).
if redis.call('HGET', KEYS[1], 'status') ~= 'active' then return 'ended' end
local function list(field)
  local out = {}
  for id in string.gmatch(redis.call('HGET', KEYS[2], field) or '', '"([^"]+)"') do
    table.insert(out, id)
  end
  return out
end
local function json(ids)
  local quoted = {}
  for _, id in ipairs(ids) do table.insert(quoted, '"' .. id .. '"') end
  return '[' .. table.concat(quoted, ', ') .. ']'
end
local top, tied = list(ARGV[1] .. ':top'), list(ARGV[1] .. ':tied')
local size = tonumber(ARGV[3])
local found = false
for _, id in ipairs(tied) do if id == ARGV[2] then found = true end end
for _, id in ipairs(top) do if id == ARGV[2] then found = false end end
if not found or #top >= size then return 'unknown_input' end
table.insert(top, ARGV[2])
local left = {}
if #top < size then
  for _, id in ipairs(tied) do
    local taken = false
    for _, t in ipairs(top) do if t == id then taken = true end end
    if not taken then table.insert(left, id) end
  end
end
redis.call('HSET', KEYS[2], ARGV[1] .. ':top', json(top), ARGV[1] .. ':tied', json(left))
return 'ok'
"""

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

# One dot cast or taken back, after the caller's session checks (CAST_VOTE, VOTE_CLICK).
_CAST_DOT = """
local function cast_dot(tally, ballots, counted, voter, idea, allowance, cap, delta, member,
                        must_be, ready_at)
  if delta ~= 1 and delta ~= -1 then return 'bad_input' end
  if redis.call('HEXISTS', tally, idea) == 0 then return 'unknown_idea' end
  local slot = voter .. ':' .. idea
  local used = tonumber(redis.call('HGET', ballots, voter) or '0')
  local here = tonumber(redis.call('HGET', ballots, slot) or '0')
  if delta == -1 then
    if here <= 0 then return 'none_here' end
  else
    if used >= allowance then return 'no_votes_left' end
    if here >= cap then return 'idea_full' end
  end
  redis.call('HINCRBY', ballots, voter, delta)
  redis.call('HINCRBY', ballots, slot, delta)
  if used + delta == 0 or (used == 0 and delta == 1) then
    redis.call('HINCRBY', ballots, '#voters', delta)  -- people with at least one dot placed
  end
  redis.call('HINCRBY', tally, idea, delta)
  if delta == 1 and used + 1 == ready_at then
    local v = redis.call('HGET', counted, member)
    if v and (must_be == '' or v == must_be) then
      redis.call('HSET', ballots, voter .. '#r', 1)
      redis.call('HINCRBY', ballots, '#ready', 1)
    end
  elseif delta == -1 and used == ready_at and redis.call('HDEL', ballots, voter .. '#r') == 1 then
    redis.call('HINCRBY', ballots, '#ready', -1)
  end
  return 'ok:' .. (allowance - used - delta)
end
"""

CAST_VOTE = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] tally:<round>  KEYS[4] ballots:<round>
-- ARGV[1] seen ttl (s)  ARGV[2] voter tag  ARGV[3] idea id  ARGV[4] card rev
-- ARGV[5] allowance  ARGV[6] cap per idea  ARGV[7] delta (1 = vote, -1 = take back)
-- ARGV[8] the phase votes belong to: 'voting' (dot voting) or 'groups' (a group's top 3)
-- KEYS[5] who counts for readiness: roster (voting) or groups (a group's vote)
-- ARGV[9] the voter's member tag  ARGV[10] the value KEYS[5] must hold for them ('' = any)
-- ARGV[11] dots that make a voter "ready": all of them (voting), one (a group's vote).
-- '#ready' counts ready voters who count; "<voter>#r" marks each one counted.
-- Returns 'ok:<votes left>' | 'ended' | 'wrong_phase' | 'stale' | 'gone' | 'unknown_idea'
--       | 'no_votes_left' | 'idea_full' | 'none_here' | 'bad_input'.
-- The twin of decide_vote (bot/domain/voting.py): check and count in one step, so 300
-- people voting in the same second give the exact tally and nobody passes the allowance.
"""
    + _SEEN
    + _CAST_DOT
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'phase', 'rev')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if m[2] ~= (ARGV[8] or 'voting') then return refuse('wrong_phase') end
if m[3] ~= ARGV[4] then return refuse('stale') end
local r = cast_dot(KEYS[3], KEYS[4], KEYS[5], ARGV[2], ARGV[3], tonumber(ARGV[5]),
  tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[9], ARGV[10], tonumber(ARGV[11]))
if string.sub(r, 1, 3) == 'ok:' then return answer(r) end
return refuse(r)
"""
)

VOTE_CLICK = (
    """
-- A click on a vote card, whole, in one round trip: the session checks of handlers.py,
-- the cast (as CAST_VOTE), and everything the clicking person's answer needs.
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] tally:<round>  KEYS[4] ballots:<round>
-- KEYS[5] roster  KEYS[6] roles
-- ARGV[1] seen ttl (s)  ARGV[2] voter tag  ARGV[3] idea id  ARGV[4] card rev
-- ARGV[5] delta: 1 = vote, -1 = take back, 0 = only look (a page turn, a refresh)
-- ARGV[6] member tag  ARGV[7] the clicking conversation's key  ARGV[8] page start
-- ARGV[9] page size  ARGV[10] the vote round on the card
-- Returns {code, used, voters, start, in play, ready, checked in, n,
--          page ids (n), my dots (n), totals (n), meta field, value, …}
-- code: 'look' | 'ok:<left>' | 'again:ok:<left>' (a redelivery: its first answer, no
-- write) | a refusal of CAST_VOTE | 'gone' (no such session here: nothing else follows).
-- Allowance and cap come from meta, so a card cannot claim more.
"""
    + _CAST_DOT
    + _CLICKED
    + """
local function vote_round()  -- round_of (bot/service/voting/rounds.py): the agenda item's part
  local i = 0
  for chunk in string.gmatch(m['agenda'] or '', '[^,]+') do
    if i == tonumber(m['step'] or '-1') then
      local _, _, part = string.find(chunk, '^voting:%d*:(%d+)')
      return math.max(1, tonumber(part or '1'))
    end
    i = i + 1
  end
  return 1
end
local allowance = tonumber(m['votes_n'] or '3')
local code = 'look'
if ARGV[5] ~= '0' then
  local prev = redis.call('GET', KEYS[2])
  if prev then code = 'again:' .. prev
  elseif m['status'] ~= 'active' then code = 'ended'
  elseif m['phase'] ~= 'voting' or vote_round() ~= tonumber(ARGV[10]) then code = 'wrong_phase'
  elseif m['rev'] ~= ARGV[4] then code = 'stale'
  else
    code = cast_dot(KEYS[3], KEYS[4], KEYS[5], ARGV[2], ARGV[3], allowance,
      tonumber(m['votes_m'] or '2'), tonumber(ARGV[5]), ARGV[6], '', allowance)
    if string.sub(code, 1, 3) == 'ok:' then redis.call('SET', KEYS[2], code, 'EX', ARGV[1]) end
  end
end
local ids = redis.call('HKEYS', KEYS[3])
table.sort(ids, function(a, b) if #a ~= #b then return #a < #b end return a < b end)
local size = tonumber(ARGV[9])
local start = math.max(0, tonumber(ARGV[8]) or 0)
start = math.min(start, math.floor(math.max(0, #ids - 1) / size) * size)
local page, slots = {}, {}
for i = start + 1, math.min(#ids, start + size) do
  table.insert(page, ids[i]); table.insert(slots, ARGV[2] .. ':' .. ids[i])
end
local mine, totals = {}, {}
if #page > 0 then
  mine = redis.call('HMGET', KEYS[4], unpack(slots))
  totals = redis.call('HMGET', KEYS[3], unpack(page))
end
local b = redis.call('HMGET', KEYS[4], ARGV[2], '#voters', '#ready')
local joined = 0
for _, n in ipairs(redis.call('HVALS', KEYS[6])) do joined = joined + math.max(0, tonumber(n)) end
local out = {code, b[1] or '0', b[2] or '0', start, #ids, b[3] or '0', joined, #page}
for _, v in ipairs(page) do table.insert(out, v) end
for i = 1, #page do table.insert(out, mine[i] or '0') end
for i = 1, #page do table.insert(out, totals[i] or '0') end
for _, v in ipairs(flat) do table.insert(out, v) end
return out
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

_OUTBOX_NOW = """
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function at(ms) return string.format('%.0f', now + tonumber(ms)) end
"""

CLAIM_TIMERS = (
    """
-- KEYS[1] due zset  KEYS[2] in-flight zset  ARGV[1] now ms for due times ('' = Redis TIME;
-- tests pass their own clock)  ARGV[2] lease ms  ARGV[3] batch
-- Returns the ids this caller now runs: due ones, and in-flight ones whose lease ran out
-- (their runner died). Each id goes to one caller; a rerun is made harmless by tver.
-- Leases are on the Redis clock, so replicas whose clocks differ never steal a live lease.
"""
    + _OUTBOX_NOW
    + """
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
"""
)

RENEW_TIMERS = (
    """
-- KEYS[1] in-flight zset  ARGV[1] lease ms  ARGV[2], … timer ids still running here
-- Their leases run ARGV[1] ms more (Redis clock): a slow send never lets another replica
-- run the same timer meanwhile.
"""
    + _OUTBOX_NOW
    + """
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', at(ARGV[1]), ARGV[i]) end
return #ARGV - 1
"""
)

RETRY_TIMER = """
-- KEYS[1] due zset  KEYS[2] in-flight zset  ARGV[1] timer id  ARGV[2] due again (ms)
-- A run that failed puts its timer back, due again, unless another run already took it.
if redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end
return 1
"""

POINT_CONVERSATION = """
-- KEYS[1] dk:conv:<conv key>  ARGV[1] new session id  ARGV[2] the session id we replace ('')
-- Returns 1 when the conversation now points at ARGV[1], 0 when someone else started first.
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""

MODERATE = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] hidden  KEYS[5] ideas or inputs
-- KEYS[6], KEYS[7], … tally/ballots pairs the item may be in play in
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] item id as in a vote ("12", "g7")
-- ARGV[4] its field in KEYS[5] ("12", "7")  ARGV[5] 'hide' | 'restore'  ARGV[6] now ms
-- ARGV[7], ARGV[8], … per pair: dots that make a voter ready there ('0' = that vote is not
--   open: a closed round keeps its dots, reads leave the hidden item out), and the item's
--   id in that vote (a group's own vote knows input 7 as "7", the dot vote as "g7")
-- ARGV[7 + 2n] (after the pairs) '1' = a restore also puts the item in the votes open now
--   (it is a candidate there: the caller checked), though it was hidden before they opened
-- Returns 'ok:hidden' | 'ok:restored' | 'already' | 'not_hidden' | 'unknown_item'
--       | 'not_host' | 'ended' | 'gone'.
-- Hiding takes the item out of every open vote and gives its dots back to their voters
-- (the vote scripts then refuse it as unknown); restoring puts it back there with none.
-- Nothing here names or stores an author: the host learns the text, never who wrote it.
"""
    + _SEEN
    + """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return refuse('gone') end
if status == 'ended' then return refuse('ended') end  -- adjourned: a host may still tidy up
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if redis.call('HEXISTS', KEYS[5], ARGV[4]) == 0 then return refuse('unknown_item') end
local item, is_idea = ARGV[3], string.sub(ARGV[3], 1, 1) ~= 'g'
if ARGV[5] == 'restore' then
  local raw = redis.call('HGET', KEYS[4], item)
  if not raw then return refuse('not_hidden') end
  for _, p in ipairs(cjson.decode(raw)['from'] or {}) do
    redis.call('HSETNX', KEYS[6 + 2 * p], ARGV[8 + 2 * p], 0)
  end
  local pairs_n = (#KEYS - 5) / 2
  if ARGV[7 + 2 * pairs_n] == '1' then
    for p = 0, pairs_n - 1 do
      if tonumber(ARGV[7 + 2 * p]) > 0 then
        redis.call('HSETNX', KEYS[6 + 2 * p], ARGV[8 + 2 * p], 0)
      end
    end
  end
  redis.call('HDEL', KEYS[4], item)
  if is_idea then redis.call('HINCRBY', KEYS[4], '#ideas', -1) end
  return answer('ok:restored')
end
if redis.call('HEXISTS', KEYS[4], item) == 1 then return refuse('already') end
local from = {}
for p = 0, (#KEYS - 5) / 2 - 1 do  -- the pairs start at KEYS[6]
  local tally, ballots, ready_at = KEYS[6 + 2 * p], KEYS[7 + 2 * p], tonumber(ARGV[7 + 2 * p])
  local here = ARGV[8 + 2 * p]
  local suffix = ':' .. here
  if ready_at > 0 and redis.call('HEXISTS', tally, here) == 1 then
    local all = redis.call('HGETALL', ballots)
    for i = 1, #all, 2 do
      local field, dots = all[i], tonumber(all[i + 1])
      if #field > #suffix and string.sub(field, -#suffix) == suffix and dots > 0 then
        local voter = string.sub(field, 1, #field - #suffix)
        local used = tonumber(redis.call('HGET', ballots, voter) or '0')
        redis.call('HINCRBY', ballots, voter, -dots)
        redis.call('HDEL', ballots, field)
        if used - dots <= 0 then redis.call('HINCRBY', ballots, '#voters', -1) end
        if used >= ready_at and used - dots < ready_at
           and redis.call('HDEL', ballots, voter .. '#r') == 1 then
          redis.call('HINCRBY', ballots, '#ready', -1)
        end
      end
    end
    redis.call('HDEL', tally, here)
    table.insert(from, p)
  end
end
redis.call('HSET', KEYS[4], item, cjson.encode({at = tonumber(ARGV[6]), from = from}))
if is_idea then redis.call('HINCRBY', KEYS[4], '#ideas', 1) end
return answer('ok:hidden')
"""
)

OPEN_FOLLOW_UP = """
-- KEYS[1] meta  KEYS[2] follow  ARGV[1] item id  ARGV[2] record (JSON)
-- Returns 1 for the call that opened the item's follow-up, 0 if it was open already.
-- Opened after the end: the follow-up keys take the session data's remaining TTL, so
-- they expire with it (retention counts from the end).
local new = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return new
"""

ANSWER_FOLLOW_UP = (
    """
-- KEYS[1] follow  KEYS[2] seen:<aid>
-- ARGV[1] seen ttl (s)  ARGV[2] item id  ARGV[3] the clicker's AAD id (from Teams)
-- ARGV[4] done|later|not_me|unreached  ARGV[5] new due date (later)  ARGV[6] version
-- Returns 'ok:<ver>' | 'unknown_item' | 'not_owner' | 'closed' | 'stale'.
-- The twin of bot/domain/follow_up.py: only the named owner answers, once per version.
"""
    + _SEEN
    + """
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return refuse('unknown_item') end
local r = cjson.decode(raw)
if r.owner == '' or r.owner ~= ARGV[3] then return refuse('not_owner') end
if r.state == 'done' or r.state == 'back' or r.state == 'unreached' then
  return refuse('closed')
end
if tostring(r.ver) ~= ARGV[6] then return refuse('stale') end
if ARGV[4] == 'done' then r.state = 'done'
elseif ARGV[4] == 'later' then r.state = 'moved'; r.due = ARGV[5]
elseif ARGV[4] == 'not_me' then r.state = 'back'
elseif ARGV[4] == 'unreached' then r.state = 'unreached'  -- the bot itself: the 1:1 failed
else return refuse('unknown_item') end
r.ver = r.ver + 1
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(r))
return answer('ok:' .. r.ver)
"""
)

# The publisher's marks (bot/store/outbox.py), all on the Redis clock. KEYS[1] dk:{outbox}:due
# zset: mark -> when a replica may take it (epoch ms; a taken mark: when its claim runs out),
# KEYS[2] dk:{outbox}:ver hash: mark -> version, KEYS[3] dk:{outbox}:fails hash: mark ->
# publishes failed in a row. A mark goes only once a publish of its version is through.


# The lease both queues share (OUTBOX_CLAIM, EFFECTS_CLAIM), on the Redis clock: KEYS[1]
# the due zset, ARGV[1] most entries, ARGV[2] lease ms, ARGV[3], … entries the caller still
# works on (their leases run ARGV[2] ms more). Returns the due entries, now leased.
_CLAIM_DUE = (
    _OUTBOX_NOW
    + """
local function claim_due()
  local until_ms = at(ARGV[2])
  for i = 3, #ARGV do redis.call('ZADD', KEYS[1], 'XX', until_ms, ARGV[i]) end
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[1])
  for _, m in ipairs(due) do redis.call('ZADD', KEYS[1], until_ms, m) end
  return due
end
"""
)

OUTBOX_MARK = (
    """
-- KEYS[1] dk:{outbox}:due  KEYS[2] dk:{outbox}:ver  ARGV[1], ARGV[2], … marks
-- A new mark is due now. One already there keeps its time (taken, waiting for the lease or
-- for a retry) and only its version moves on: whoever holds it publishes once more.
"""
    + _OUTBOX_NOW
    + """
for _, m in ipairs(ARGV) do
  redis.call('HINCRBY', KEYS[2], m, 1)
  redis.call('ZADD', KEYS[1], 'NX', at(0), m)
end
return #ARGV
"""
)

OUTBOX_CLAIM = (
    """
-- KEYS[1] dk:{outbox}:due  KEYS[2] dk:{outbox}:ver  ARGV[1] most marks  ARGV[2] claim ms
-- ARGV[3], … marks the caller is still publishing: their claims run ARGV[2] ms more
-- Returns {mark, version, mark, version, …}: the due marks, oldest first, each claimed by
-- the caller for ARGV[2] ms. A claim that runs out (its replica died) makes it due again.
"""
    + _CLAIM_DUE
    + """
local out = {}
for _, m in ipairs(claim_due()) do
  table.insert(out, m); table.insert(out, redis.call('HGET', KEYS[2], m) or '0')
end
return out
"""
)

OUTBOX_SETTLE = (
    """
-- KEYS[1] dk:{outbox}:due  KEYS[2] dk:{outbox}:ver  KEYS[3] dk:{outbox}:fails
-- ARGV[1] mark  ARGV[2] the version claimed  ARGV[3] 'done' | 'failed' | 'later'
-- ARGV[4] ms until it is due again  ARGV[5] failures in a row allowed  ARGV[6] most ms
-- done: published (or nothing to publish). Gone if still at the version claimed; marked
--   again meanwhile: due in ARGV[4] ms (after the lease). A failure count is reset.
-- failed: failure n in a row is due in ARGV[4] * 2^(n-1) ms, at most ARGV[6]; failure
--   ARGV[5] in a row gives up: gone, whatever its version (the next mark starts afresh).
-- later: due in ARGV[4] ms, version kept (the lease is held, or the publish was cut short).
-- Returns 'gone' (the mark was not there) | 'done' | 'again' | 'gave_up'.
"""
    + _OUTBOX_NOW
    + """
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
"""
)

ADJOURN = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] effects
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] expected rev  ARGV[4] now ms
-- ARGV[5] planned resume ms ('0' = not said)  ARGV[6] '1' = a day without a time
-- ARGV[7] the host's note ('' = none)
-- Records the effects 'card:<tver>' and 'adjourned:<tver>' (the card that says so).
-- Returns 'ok:<rev>:<tver>' | 'adjourned' | 'ended' | 'setup' | 'not_host' | 'stale' | 'gone'.
-- Status 'adjourned' makes every participant script refuse (they require 'active') and
-- HOST_UPDATE refuse all but the end; the tver bump turns every planned timer into a no-op.
-- The time left is taken here, in the same step (twin of adjournment.time_left_ms).
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'phase', 'phase_ends_ms',
  'paused_left_ms')
if not m[1] then return refuse('gone') end
if m[1] == 'adjourned' then return refuse('adjourned') end
if m[1] ~= 'active' or m[3] == 'ended' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if m[2] ~= ARGV[3] then return refuse('stale') end
if m[3] == 'setup' then return refuse('setup') end
local paused, ends, now = tonumber(m[5] or '0'), tonumber(m[4] or '0'), tonumber(ARGV[4])
local left = 0
if paused > 0 then left = paused elseif ends > 0 then left = math.max(0, ends - now) end
local tver = redis.call('HINCRBY', KEYS[1], 'tver', 1)
redis.call('HSET', KEYS[1], 'status', 'adjourned', 'adjourned_ms', ARGV[4],
  'adjourned_left_ms', string.format('%.0f', left), 'phase_ends_ms', '0', 'paused_left_ms', '0',
  'resume_ms', ARGV[5], 'resume_day_only', ARGV[6], 'resume_note', ARGV[7])
redis.call('HSETNX', KEYS[4], 'card:' .. tver, cjson.encode({kind = 'card', tver = tver, seq = 0}))
redis.call('HSETNX', KEYS[4], 'adjourned:' .. tver,
  cjson.encode({kind = 'adjourned', tver = tver, seq = 1}))
return answer('ok:' .. m[2] .. ':' .. tver)
"""
)

RESUME_ADJOURNED = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] effects
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] now ms  ARGV[4] least time left ms
-- ARGV[5] reminder s
-- Records the effects 'timers:<tver>', 'card:<tver>' and 'resumed:<tver>'.
-- Returns 'ok:<rev>:<tver>:<phase ends ms>' | 'not_adjourned' | 'ended' | 'not_host' | 'gone'.
-- The phase goes on where it was, with the time it had left (twin of
-- adjournment.resumed_end_ms); the rev stays, so every card drawn before still works.
"""
    + _SEEN
    + """
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'adjourned_left_ms')
if not m[1] then return refuse('gone') end
if m[1] == 'active' then return refuse('not_adjourned') end
if m[1] ~= 'adjourned' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
local left = tonumber(m[3] or '0')
local ends = '0'
if left > 0 then
  ends = string.format('%.0f', tonumber(ARGV[3]) + math.max(left, tonumber(ARGV[4])))
end
local tver = redis.call('HINCRBY', KEYS[1], 'tver', 1)
redis.call('HSET', KEYS[1], 'status', 'active', 'phase_ends_ms', ends, 'paused_left_ms', '0',
  'adjourned_left_ms', '0', 'resume_ms', '0', 'resume_day_only', '0', 'resume_note', '',
  'resumed_ms', ARGV[3])
redis.call('HSETNX', KEYS[4], 'timers:' .. tver, cjson.encode({kind = 'timers', tver = tver,
  seq = 0, ends = tonumber(ends), now = tonumber(ARGV[3]), reminder = tonumber(ARGV[5])}))
redis.call('HSETNX', KEYS[4], 'card:' .. tver, cjson.encode({kind = 'card', tver = tver, seq = 1}))
redis.call('HSETNX', KEYS[4], 'resumed:' .. tver, cjson.encode({kind = 'resumed', tver = tver,
  seq = 2, ends = tonumber(ends), now = tonumber(ARGV[3])}))
return answer('ok:' .. m[2] .. ':' .. tver .. ':' .. ends)
"""
)

ADD_HOST_IDEA = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] ideas
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] idea record (JSON)
-- ARGV[4] most ideas in the session
-- Returns 'ok:<idea id>' | 'ended' | 'not_host' | 'limit' | 'gone'.
-- A host adds an idea to the coming vote (issue 5): an idea like the others, with no author
-- (by_author is not touched), so it counts for nobody's readiness or limit.
"""
    + _SEEN
    + """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return refuse('gone') end
if status ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if redis.call('HLEN', KEYS[4]) >= tonumber(ARGV[4]) then return refuse('limit') end
local id = tostring(redis.call('HINCRBY', KEYS[1], 'idea_seq', 1))
redis.call('HSET', KEYS[4], id, ARGV[3])
return answer('ok:' .. id)
"""
)

OUTBOX_LEASE = """
-- KEYS[1] dk:{sid}:pub, the card's publisher lease  KEYS[2] dk:{sid}:meta (a session card;
-- absent for other cards, whose leases are not in the session's slot)  ARGV[1] interval ms
-- Returns 0: the caller holds the lease now; n > 0: another publish holds it n ms more;
-- -1: the session was deleted, nothing written (so `delete` leaves no lease behind).
if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
return math.max(1, redis.call('PTTL', KEYS[1]))
"""

OUTBOX_REMEMBER = """
-- KEYS[1] meta  KEYS[2] published (digests)  ARGV[1] mark  ARGV[2] digest of its card
-- What was published for a mark, kept as long as the session's data: a deleted session is
-- not brought back, and one that ended gives the digests its own remaining time.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
"""


EFFECTS_CLAIM = (
    """
-- KEYS[1] dk:{fx}:due  ARGV[1] most sessions  ARGV[2] lease ms
-- ARGV[3], … sessions the caller is still working on: their leases run ARGV[2] ms more
-- Returns the due sessions, each now leased to the caller (Redis clock: replicas need no
-- synchronised clocks). A lease that runs out (its replica died) makes it due again.
"""
    + _CLAIM_DUE
    + """
return claim_due()
"""
)

EFFECT_SETTLE = (
    """
-- KEYS[1] effects of a session  ARGV[1] effect id  ARGV[2] the payload that was run
-- ARGV[3] '' = done (removed), else the payload to keep (a failure: its tries counted)
-- Only if the effect is still what was run: a concurrent run changes nothing twice.
-- Returns 1 if settled, 0 if someone else had settled it.
"""
    + """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1])
else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
"""
)

EFFECTS_RELEASE = (
    """
-- KEYS[1] dk:{fx}:due  KEYS[2] effects of the session  ARGV[1] session id
-- ARGV[2] ms until the effects left are due again
-- Nothing left: the session leaves the index (in the same step as the check, so an effect
-- recorded meanwhile keeps it). Effects left: due again in ARGV[2] ms.
"""
    + _OUTBOX_NOW
    + """
if redis.call('HLEN', KEYS[2]) == 0 then redis.call('ZREM', KEYS[1], ARGV[1]); return 0 end
redis.call('ZADD', KEYS[1], at(ARGV[2]), ARGV[1])
return 1
"""
)

EFFECTS_CLAIM_ONE = (
    """
-- KEYS[1] dk:{fx}:due  ARGV[1] session id  ARGV[2] lease ms
-- Returns 1 if the session's effects were due and are now leased to the caller, else 0
-- (nothing due, or another replica holds them).
"""
    + _OUTBOX_NOW
    + """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) > now then return 0 end
redis.call('ZADD', KEYS[1], at(ARGV[2]), ARGV[1])
return 1
"""
)
