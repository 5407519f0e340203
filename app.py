"""Digikok entry point: `python app.py` serves the bot on PORT (default 3978)."""

from __future__ import annotations

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
    web.run_app(create_app(config), host=config.host, port=config.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
