"""The bot and Microsoft's Teams emulator as real processes (tests/harness/processes.py), and
a headless Chromium page on it.

Each process is stopped in teardown, failure or not: SIGTERM first so the bot shuts its
embedded Redis down cleanly, then SIGKILL; the emulator runs in its own process group, and
what is left of that group is killed too. The embedded redis-server daemonizes out of the
bot, so it is found by its pid file under the bot's TMPDIR, in this test's own folder.

Without Chromium, Node or the npm package the test skips; .ci/run installs all three and sets
PLAYGROUND_REQUIRED=1, which turns a skip into a failure so CI cannot go green by skipping.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

from tests.harness import processes

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND = ROOT / "playground"
CLI = PLAYGROUND / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
SCREENSHOTS = PLAYGROUND / "screenshots" / "latest"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
START_SECONDS = 60.0  # a cold start on a busy 2-core CI machine; normally ~2 s
STOP_SECONDS = 15.0
WAIT_MS = 20_000  # generous: each step is one HTTP round trip to the bot, normally < 1 s
LOGS = pytest.StashKey[list[Path]]()
REPORT = pytest.StashKey[pytest.TestReport]()


def missing(reason: str) -> None:
    if os.environ.get("PLAYGROUND_REQUIRED") == "1":
        pytest.fail(f"PLAYGROUND_REQUIRED=1 but {reason}")
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On failure, append the bot's and the emulator's last log lines to the report."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when == "call":
        item.stash[REPORT] = report
    if report.failed:
        for log in item.stash.get(LOGS, []):
            if log.exists():
                text = "\n".join(log.read_text(errors="replace").splitlines()[-60:])
                report.sections.append((f"{log.stem} log (last lines)", text))


@pytest.fixture(autouse=True)
def tools() -> None:
    """Checked before any process starts, so a machine without them skips in no time."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: apt-get install chromium")
    if shutil.which("node") is None:
        missing("node is not installed")
    if not CLI.exists():
        missing("the Agents Playground is not installed: run `npm ci` in playground/")


@pytest.fixture
def page(playground_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright  # test_playground.py skips without it

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
            # The Playground's page asks a CDN for fonts: answer locally instead of trying.
            context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/])"), lambda r: r.abort())
            tab = context.new_page()
            tab.set_default_timeout(WAIT_MS)
            tab.goto(playground_url)
            yield tab
            report = request.node.stash.get(REPORT, None)
            if report is not None and report.failed:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(SCREENSHOTS / "failed.png"))
        finally:
            browser.close()


@pytest.fixture
def screenshots() -> Path:
    return SCREENSHOTS


@pytest.fixture
def workdir(request: pytest.FixtureRequest) -> Iterator[Path]:
    # A short path of our own (not tmp_path): it also names the redis-server to clean up.
    folder = Path(tempfile.mkdtemp(prefix="digikok-playground-")).resolve()
    request.node.stash[LOGS] = []
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def bot_url(workdir: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    port, tmp = processes.free_port(), workdir / "tmp"
    tmp.mkdir()
    env = {"HOST": "127.0.0.1", "PORT": str(port), "DATA_DIR": str(workdir / "data")}
    env = processes.child_env(env | {"TMPDIR": str(tmp)})
    bot = processes.spawn("bot", [sys.executable, "app.py"], env, workdir / "bot.log", port)
    request.node.stash[LOGS].append(bot.log)
    try:
        asyncio.run(bot.wait_ready("/readyz", START_SECONDS))
        yield f"{bot.url}/api/messages"
    finally:
        asyncio.run(stop_with_redis(bot, tmp))


async def stop_with_redis(bot: processes.Proc, tmp: Path) -> None:
    pid = processes.redis_pid(tmp)
    await bot.stop(STOP_SECONDS)
    await processes.stop_leftover_redis(pid)


@pytest.fixture
def playground_url(bot_url: str, workdir: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    env = dict(os.environ, APPLICATION_INSIGHTS_NO_STATSBEAT="1", TEAMSAPPTESTER_BROWSER="none")
    cmd = ["node", str(CLI), "-e", bot_url, "-c", "msteams", "-p", str(processes.free_port())]
    cmd.append("--disable-telemetry")
    # cwd: the emulator writes devTools/m365agentsplayground.log there.
    log = workdir / "playground.log"
    emulator = processes.spawn("playground", cmd, env, log, cwd=workdir, own_group=True)
    request.node.stash[LOGS].append(emulator.log)
    try:
        deadline = time.monotonic() + START_SECONDS
        # It falls back to a random port if ours was taken meanwhile, so read the real one.
        while not (found := re.search(r"Listening on (\d+)", emulator.log_tail())):
            if not emulator.running or time.monotonic() > deadline:
                pytest.fail(f"the playground did not listen:\n{emulator.log_tail()}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{found.group(1)}"
    finally:
        asyncio.run(emulator.stop(STOP_SECONDS))
