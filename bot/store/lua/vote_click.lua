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
-- include: _cast_dot
-- include: _clicked
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
