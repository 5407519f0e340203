-- One dot cast or taken back, after the caller's session checks (CAST_VOTE, VOTE_CLICK).
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
