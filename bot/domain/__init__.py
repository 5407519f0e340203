"""Pure Digikok rules. No botbuilder, aiohttp or redis import lives below this folder.

Which rule runs: a write that must be exact under concurrency (a dot, an idea, a timer
control, a move, a merge) is decided by its Lua script in bot/store/scripts.py, in the same
step as the write; the Python twins here (`decide_vote`, `extended_end`, `remaining_ms`,
`time_left_ms`, `resumed_end_ms`) are its oracles, held equal to the scripts by tests
(tests/integration/test_voting_store.py, test_transitions.py). Everything the scripts take
as input (a checked idea text, the agenda's next step, who may press what) is decided here.
"""
