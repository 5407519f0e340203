-- An idea sent from the idea card, whole, in one round trip: the session checks of
-- handlers.py, the write (as SUBMIT_IDEA), and what the author's answer needs.
-- KEYS[1..5], ARGV[1..6] as SUBMIT_IDEA; KEYS[6] hidden  KEYS[7] roles
-- ARGV[7] the clicking conversation's key  ARGV[8] '1' = send, '0' = only look
-- ARGV[9] the author's own key
-- Returns {code, ready, checked in, n, my idea ids (n), their records (n),
--          hidden flags (n), meta field, value, …}
-- code: 'look' | 'ok:<id>' | 'again:ok:<id>' | a refusal | 'gone' (nothing else follows).
-- include: _add_idea
-- include: _clicked
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
