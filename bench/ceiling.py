"""The ceiling of the HTTP stack: an aiohttp handler that only parses the activity's JSON.

`python bench/ceiling.py PORT` serves POST /api/messages (and GET /healthz) on 127.0.0.1.
run.py fires the same requests at the same concurrency at this and at the real app, and
reports ours / ceiling: whatever the bot does beyond aiohttp + json costs that ratio.
"""

from __future__ import annotations

import json
import sys

from aiohttp import web


async def messages(request: web.Request) -> web.Response:
    activity = json.loads(await request.read())
    return web.json_response({"ok": isinstance(activity, dict)})


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main(argv: list[str]) -> int:
    port = int(argv[1])
    app = web.Application(client_max_size=256 * 1024)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
