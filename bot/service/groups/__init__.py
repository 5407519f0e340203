"""Breakout groups: assignment, threads, boards per question, top 3, the host's group commands."""
