-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] tally:<round>  KEYS[4] ballots:<round>
-- ARGV[1] seen ttl (s)  ARGV[2] voter tag  ARGV[3] idea id  ARGV[4] card rev
-- ARGV[5] allowance  ARGV[6] cap per idea  ARGV[7] delta (1 = vote, -1 = take back)
-- ARGV[8] the phase votes belong to: 'voting' (dot voting) or 'groups' (a group's top 3)
-- KEYS[5] who counts for readiness: roster (voting) or groups (a group's vote)
-- ARGV[9] the voter's member tag  ARGV[10] the value KEYS[5] must hold for them ('' = any)
-- ARGV[11] dots that make a voter "ready": all of them (voting), one (a group's vote).
-- '#ready' counts ready voters who count; "<voter>#r" marks each one counted.
-- Returns 'ok:<votes left>' | 'ended' | 'wrong_phase' | 'stale' | 'gone' | 'unknown_idea'
--       | 'no_votes_left' | 'idea_full' | 'none_here' | 'bad_input'.
-- This is the rule; its twin decide_vote (tests/oracles.py) is the tests' oracle. It
-- checks and counts in one step, so 300
-- people voting in the same second give the exact tally and nobody passes the allowance.
-- include: _seen
-- include: _cast_dot
local m = redis.call('HMGET', KEYS[1], 'status', 'phase', 'rev')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if m[2] ~= (ARGV[8] or 'voting') then return refuse('wrong_phase') end
if m[3] ~= ARGV[4] then return refuse('stale') end
local r = cast_dot(KEYS[3], KEYS[4], KEYS[5], ARGV[2], ARGV[3], tonumber(ARGV[5]),
  tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[9], ARGV[10], tonumber(ARGV[11]))
if string.sub(r, 1, 3) == 'ok:' then return answer(r) end
return refuse(r)
