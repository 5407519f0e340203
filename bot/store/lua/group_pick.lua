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
