-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] merges  KEYS[5] tally:1
-- KEYS[6] ideas  KEYS[7] inputs  KEYS[8] hidden
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] rev on the card
-- ARGV[4] 'merge' | 'undo' | 'apart'  ARGV[5] the candidate ('' for apart)
-- ARGV[6..] merge: the ids merged into the candidate; apart: pairs "<a>|<b>" (a < b)
-- Returns 'ok:merged' | 'ok:undone' | 'ok:apart' | 'vote_open' | 'unknown' | 'hidden'
--   | 'too_few' | 'not_merged' | 'stale' | 'not_host' | 'ended' | 'gone'.
-- Merging happens only before vote round 1 opens: once its tally exists, or a vote runs,
-- nothing here writes. A merged candidate merged again brings its own members along.
-- include: _host_check
if m[3] == 'voting' or redis.call('EXISTS', KEYS[5]) == 1 then return refuse('vote_open') end
local op, cand = ARGV[4], ARGV[5]
if op == 'apart' then
  for i = 6, #ARGV do redis.call('HSET', KEYS[4], 'x:' .. ARGV[i], 1) end
  return answer('ok:apart')
end
if op == 'undo' then
  local raw = redis.call('HGET', KEYS[4], 'c:' .. cand)
  if not raw then return refuse('not_merged') end
  for _, id in ipairs(cjson.decode(raw)) do redis.call('HDEL', KEYS[4], 'in:' .. id) end
  redis.call('HDEL', KEYS[4], 'c:' .. cand)
  return answer('ok:undone')
end
local function known(id)
  if string.sub(id, 1, 1) == 'g' then return redis.call('HEXISTS', KEYS[7], string.sub(id, 2)) end
  return redis.call('HEXISTS', KEYS[6], id)
end
local all = {cand}
for i = 6, #ARGV do if ARGV[i] ~= cand then all[#all + 1] = ARGV[i] end end
if #all < 2 then return refuse('too_few') end
for _, id in ipairs(all) do
  if known(id) == 0 then return refuse('unknown') end
  if redis.call('HEXISTS', KEYS[8], id) == 1 then return refuse('hidden') end
  if redis.call('HEXISTS', KEYS[4], 'in:' .. id) == 1 then return refuse('unknown') end
end
local members, seen = {}, {}
local function add(id)
  if id ~= cand and not seen[id] then seen[id] = true; members[#members + 1] = id end
end
for _, id in ipairs(all) do
  local raw = redis.call('HGET', KEYS[4], 'c:' .. id)
  if raw then
    for _, inner in ipairs(cjson.decode(raw)) do add(inner) end
    redis.call('HDEL', KEYS[4], 'c:' .. id)
  end
  add(id)
end
for _, id in ipairs(members) do redis.call('HSET', KEYS[4], 'in:' .. id, cand) end
redis.call('HSET', KEYS[4], 'c:' .. cand, cjson.encode(members))
redis.call('HSET', KEYS[1], 'merged', '1')  -- idea cards look merges up only from now on
return answer('ok:merged')
