"""Signed export links (issue 6): an HMAC over what the link opens and until when.

A wrong, expired or tampered link is refused the same way, so it reveals nothing, not even
whether the session exists. Stdlib only: the domain can check a link without I/O.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

FORMATS = ("md", "csv")
EXPIRES_DIGITS = 12  # epoch seconds until the year 33658; int() of 4,301 digits raises
SIG_CHARS = 64  # hex SHA-256


def _digits(text: str, most: int) -> bool:
    """ASCII digits only: `isdigit()` takes "²", which int() then refuses."""
    return 0 < len(text) <= most and text.isascii() and text.isdecimal()


def signature(key: bytes, sid: str, fmt: str, expires_s: int) -> str:
    message = f"export\x1f{sid}\x1f{fmt}\x1f{expires_s}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def export_path(key: bytes, sid: str, fmt: str, expires_s: int) -> str:
    return f"/export/{sid}.{fmt}?exp={expires_s}&sig={signature(key, sid, fmt, expires_s)}"


def check(key: bytes, sid: str, fmt: str, expires: str, sig: str, now_s: int) -> bool:
    """Whatever the query holds, an answer, never an exception (compare_digest raises on
    non-ASCII text, int() on "²" or on thousands of digits)."""
    if fmt not in FORMATS or not _digits(expires, EXPIRES_DIGITS) or int(expires) < now_s:
        return False
    if len(sig) != SIG_CHARS or not sig.isascii():
        return False
    return hmac.compare_digest(signature(key, sid, fmt, int(expires)), sig)


LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def reachable(base_url: str) -> bool:
    """Whether export links on base_url can open outside this machine. Without
    PUBLIC_BASE_URL the links would point at http://localhost:<port>."""
    host = (urlsplit(base_url).hostname or "").casefold()
    return bool(host) and host not in LOOPBACK and not host.endswith(".localhost")
