"""Digikok entry point: `python app.py` serves the bot on HOST:PORT (default 127.0.0.1:3978).

Without MicrosoftAppId the bot only starts on a loopback HOST (bot/config.py); the image
sets HOST=0.0.0.0 and so needs the app's credentials. Prometheus metrics are served on
METRICS_HOST:METRICS_PORT (default 127.0.0.1:9464), never on PORT.
"""

from __future__ import annotations

import logging
import os
import sys

from aiohttp import web

from bot.config import ConfigError, load_config
from bot.logs import setup_logging
from bot.web import create_app


def main() -> int:
    try:
        config = load_config(os.environ)
    except ConfigError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    setup_logging(config.log_level)
    # a burst of 900 connections in a second overflows the default listen backlog of 128
    # One JSON line per request is left to the ingress (and to LOG_LEVEL=DEBUG): at 300
    # clicks a second aiohttp's access log costs more than a tenth of a click.
    access_log = logging.getLogger("aiohttp.access") if config.log_level == "DEBUG" else None
    web.run_app(
        create_app(config),
        host=config.host,
        port=config.port,
        print=None,
        backlog=1024,
        access_log=access_log,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
