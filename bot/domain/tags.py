"""Anonymity is keyed tags (SPEC §5). Stdlib only, so the domain can compute them.

A person gets a different tag per session and per purpose: the roster is keyed by the
member tag, ideas by the author tag. Without the server key nobody can join the two, so
the store itself cannot tell who wrote an idea.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum


class Purpose(StrEnum):
    MEMBER = "member"  # roster, hosts
    AUTHOR = "author"  # ideas: lets authors see their own
    VOTER = "voter"  # ballots: enforces the allowance, links no vote to a name or an idea
    OWN = "own"  # the slot of a person's k-th idea: their ideas share no key in the store


def tag(key: bytes, purpose: Purpose, sid: str, aad_object_id: str) -> str:
    message = f"{purpose.value}\x1f{sid}\x1f{aad_object_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def own_key(key: bytes, sid: str, aad_object_id: str) -> str:
    """The key of a person's own-idea slots in `by_author`: slot k is sha1(own key ':' k),
    computed in the script (bot/store/scripts.py _OWN_IDEAS). The own key is never stored,
    so a store read without the server key cannot tell that two ideas share an author, and
    only a request carrying the person's identity finds their ideas (issue 15)."""
    return tag(key, Purpose.OWN, sid, aad_object_id)


@dataclass(frozen=True, slots=True)
class Author:
    """An author as the store knows them: a tag (their count, readiness) and their own key."""

    tag: str
    own_key: str
