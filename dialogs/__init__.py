"""Empty on purpose: Digikok has no multi-turn dialogs in the botbuilder sense.

Every flow that takes several turns (setup, capturing actions, adjourning, an owner's
follow-up) is driven by cards: each press carries the session, its `rev` and the form's
inputs, and one handler in bot/service answers it in one step, checked again in a Lua
script. A typed confirmation carries its answer in its own words (a member's `avslutt
bekreft` when every host is away). There is no conversation state between turns to keep,
so nothing here needs `botbuilder-dialogs` or a dialog stack (STYLE §1 expected the plain
machine to win).
Should a real multi-turn text flow come (a wizard typed in chat), it lives here as a
frozen state plus a pure `step(state, input) -> (state, reply)`, saved with a rev check.
"""
