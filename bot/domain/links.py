"""Signed export links (issue 6): an HMAC over what the link opens and until when.

A wrong, expired or tampered link is refused the same way, so it reveals nothing, not even
whether the session exists. Stdlib only: the domain can check a link without I/O.
"""

from __future__ import annotations

import hashlib
import hmac

FORMATS = ("md", "csv")


def signature(key: bytes, sid: str, fmt: str, expires_s: int) -> str:
    message = f"export\x1f{sid}\x1f{fmt}\x1f{expires_s}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def export_path(key: bytes, sid: str, fmt: str, expires_s: int) -> str:
    return f"/export/{sid}.{fmt}?exp={expires_s}&sig={signature(key, sid, fmt, expires_s)}"


def check(key: bytes, sid: str, fmt: str, expires: str, sig: str, now_s: int) -> bool:
    if fmt not in FORMATS or not expires.isdigit() or int(expires) < now_s:
        return False
    return hmac.compare_digest(signature(key, sid, fmt, int(expires)), sig)
