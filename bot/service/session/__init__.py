"""Running a session: set-up, check-in, phases and host controls, timers, the effects of a
transition, adjourning, co-hosts, idle sessions.
"""
