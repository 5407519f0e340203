-- The prologue every idempotent script shares. KEYS[1] is always meta, KEYS[2] seen.
local prev = redis.call('GET', KEYS[2]); if prev then return 'again:' .. prev end
local function answer(r) redis.call('SET', KEYS[2], r, 'EX', ARGV[1]); return r end
local function refuse(r) return r end  -- a refusal writes nothing, not even its answer
