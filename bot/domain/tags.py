"""Anonymity is keyed tags (SPEC §5). Stdlib only, so the domain can compute them.

A person gets a different tag per session and per purpose: the roster is keyed by the
member tag, ideas by the author tag. Without the server key nobody can join the two, so
the store itself cannot tell who wrote an idea.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum


class Purpose(StrEnum):
    MEMBER = "member"  # roster, hosts
    AUTHOR = "author"  # ideas: lets authors see their own
    VOTER = "voter"  # ballots: enforces the allowance, links no vote to a name or an idea


def tag(key: bytes, purpose: Purpose, sid: str, aad_object_id: str) -> str:
    message = f"{purpose.value}\x1f{sid}\x1f{aad_object_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]
