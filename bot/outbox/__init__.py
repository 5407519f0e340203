"""Shared-card updates, coalesced and paced for Teams (SPEC §5, STYLE 2.11)."""
