"""What the bot does, by feature. The ground floor is shared by every feature:

- `turn.py`: a click, who steers, the refusal answers; `ports.py`, `deps.py`: the outside
  world and what a handler may touch; `views.py`: store snapshot → what cards show.
- `handlers.py`: every card action and text command, on one screen, with their guards
  (the session's own text commands are in `session/commands.py`).

Features, each building on the ground floor (and on `session` for moving the session on):
`session/` (set-up, phases, steering, timers, effects, adjourning), `ideas/` (the idea
round, merging, moderation), `groups/` (breakout work), `voting/` (dot-vote rounds),
`action_items/` (capturing actions, follow-up after the end), `records/` (summary, export,
history, deletion).
"""
