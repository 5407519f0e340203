"""Pure Digikok rules. No botbuilder, aiohttp or redis import lives below this folder.

Which rule runs: a write that must be exact under concurrency (a dot, an idea, a timer
control, a move, a merge) is decided by its Lua script (bot/store/lua/), in the same step as
the write: the Lua is the rule. Its Python twins (`decide_vote`, `extended_end`,
`remaining_ms`, `time_left_ms`, `resumed_end_ms`) live in tests/oracles.py, held equal to
the scripts by tests. Everything the scripts take as input is decided here: a checked idea
text, the agenda's next step, the least time a resumed phase gets (`MIN_LEFT_MS`), and in
which phases what may be done (phases.RULES: every route's phase set and the phases the join
script accepts; the idea, group and vote scripts each name their one phase in Lua, the same
as RULES says).
"""
