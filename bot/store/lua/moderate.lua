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
-- include: _seen
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
