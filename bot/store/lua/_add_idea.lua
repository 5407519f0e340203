-- Adding an idea: returns 'ok:<idea id>' or a refusal code; writes only when ok.
-- include: _own_ideas
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
