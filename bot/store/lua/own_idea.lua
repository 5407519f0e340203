-- An author edits or withdraws their own idea while the idea round is open (issue 16),
-- still anonymously: the idea is found through the author's own slots, which only their
-- request can compute. KEYS[1..5] as SUBMIT_IDEA, KEYS[6] hidden
-- ARGV[1] seen ttl (s)  ARGV[2] author tag  ARGV[3] the new text ('' = withdraw)
-- ARGV[4] card rev  ARGV[5] (unused)  ARGV[6] member tag  ARGV[7] the author's own key
-- ARGV[8] the idea id
-- Returns 'ok:edited' | 'ok:withdrawn' | 'ended' | 'wrong_phase' | 'stale' | 'gone'
--       | 'not_yours' (no such idea of this author) | 'hidden' (a hidden idea is not edited).
-- include: _seen
-- include: _own_ideas
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
