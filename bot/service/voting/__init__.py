"""Dot-vote rounds: the shared card, each person's own view, the host's candidate list."""
