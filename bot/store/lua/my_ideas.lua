-- KEYS[3] ideas (unused)  KEYS[4] by_author  ARGV[2] author tag  ARGV[3] their own key
-- Returns the ids of the author's ideas.
-- include: _own_ideas
local ids = own_ids(ARGV[3])
return ids
