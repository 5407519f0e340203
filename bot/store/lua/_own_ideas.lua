-- A person's own ideas and adding one (SUBMIT_IDEA, IDEA_CLICK, MY_IDEAS, OWN_IDEA); the
-- caller's KEYS[4] is by_author, KEYS[3] ideas, KEYS[5] roster, ARGV[2] the author tag.
-- by_author holds '#<author tag>' -> how many ideas they sent, and '<slot k>' -> the id of
-- their k-th, where slot k = sha1(own key ':' k): the own key comes with the request and is
-- never stored (bot/domain/tags.py own_key). An entry '<author tag>' -> "3,7" is the older
-- form, still read.
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
