"""`python bench/auth_app.py`, run in the app's folder: app.py with outbound tokens offline.

With MicrosoftAppId set, the app would fetch its own tokens from login.microsoftonline.com.
As tests/security's `offline_tokens` fixture does, bot.web's TokenSource gets the suite's
`OfflineCredentials` (a fixed token for APP_ID). Every name lookup but localhost fails at
once (the `no_internet` guard's rule), so a run never leaves 127.0.0.1. Then app.main().
"""

from __future__ import annotations

import functools
import os
import socket
import sys
from typing import Any

sys.path.insert(0, os.getcwd())  # the app under test (run.py starts this in its folder)

import app  # noqa: E402
import bot.web  # noqa: E402
from bot.teams.auth import TokenSource  # noqa: E402
from tests.security.conftest import LOOPBACK, OfflineCredentials  # noqa: E402

_lookup = socket.getaddrinfo


def _loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name not in LOOPBACK:
        sys.stderr.write(f"bench auth_app: refused a lookup of {name!r} (127.0.0.1 only)\n")
        raise socket.gaierror(socket.EAI_NONAME, f"bench: no internet: {name}")
    return _lookup(host, *args, **kwargs)


if __name__ == "__main__":
    socket.getaddrinfo = _loopback_only
    bot.web.TokenSource = functools.partial(  # type: ignore[misc]
        TokenSource, credentials_factory=OfflineCredentials()
    )
    sys.exit(app.main())
