"""The bot and Microsoft's Teams emulator as real processes, and a headless Chromium page on it.

Each process runs in its own session (process group) and is stopped in teardown, failure or
not: SIGTERM first so the bot shuts its embedded Redis down cleanly, then SIGKILL. The
embedded redis-server daemonizes out of the bot's group, so it is found by its working
directory, which is this test's own temporary DATA_DIR.

Without Chromium, Node or the npm package the test skips; .ci/run installs all three and sets
PLAYGROUND_REQUIRED=1, which turns a skip into a failure so CI cannot go green by skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def died(self, what: str) -> pytest.fail.Exception:
        return pytest.fail.Exception(f"{self.name} {what}; last log lines:\n{self.tail()}")

    def stop(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # whatever is left of its own group
        except ProcessLookupError:
            pass
        self.proc.wait()


def start(name: str, cmd: list[str], cwd: Path, env: dict[str, str], logs: Path) -> Service:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Service(name, proc, log)


def kill_by_cwd(folder: Path) -> None:
    """Stop processes working in our own temp folder: the bot's daemonized redis-server."""
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(proc / "cwd")) == folder:
                os.kill(int(proc.name), signal.SIGKILL)
        except OSError:
            continue


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
    kill_by_cwd(folder / "data")
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def bot_url(workdir: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "REDIS_"))}
    env.pop("DIGIKOK_SECRET", None)
    env.update(HOST="127.0.0.1", PORT=str(port), DATA_DIR=str(workdir / "data"))
    bot = start("bot", [sys.executable, "app.py"], ROOT, env, workdir)
    request.node.stash[LOGS].append(bot.log)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_SECONDS
        while not ready(f"{base}/readyz"):
            if not bot.alive():
                raise bot.died(f"exited with code {bot.proc.returncode}")
            if time.monotonic() > deadline:
                raise bot.died(f"not ready within {START_SECONDS:.0f} s")
            time.sleep(0.2)
        yield f"{base}/api/messages"
    finally:
        bot.stop()


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@pytest.fixture
def playground_url(bot_url: str, workdir: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    env = dict(os.environ, APPLICATION_INSIGHTS_NO_STATSBEAT="1", TEAMSAPPTESTER_BROWSER="none")
    cmd = ["node", str(CLI), "-e", bot_url, "-c", "msteams", "-p", str(free_port())]
    cmd.append("--disable-telemetry")
    # cwd: the emulator writes devTools/m365agentsplayground.log there.
    emulator = start("playground", cmd, workdir, env, workdir)
    request.node.stash[LOGS].append(emulator.log)
    try:
        deadline = time.monotonic() + START_SECONDS
        # It falls back to a random port if ours was taken meanwhile, so read the real one.
        while not (found := re.search(r"Listening on (\d+)", emulator.tail())):
            if not emulator.alive():
                raise emulator.died(f"exited with code {emulator.proc.returncode}")
            if time.monotonic() > deadline:
                raise emulator.died(f"did not listen within {START_SECONDS:.0f} s")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{found.group(1)}"
    finally:
        emulator.stop()
