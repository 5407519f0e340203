"""The JSON log line (STYLE §4): its shape, the correlation id, and the privacy guards."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from typing import Any

import pytest

from bot.logs import REDACTED, Backoff, JsonFormatter, correlated, correlation_id


def record(
    msg: str = "idea_submitted",
    *args: object,
    level: int = logging.INFO,
    exc_info: Any = None,
    **extra: Any,
) -> logging.LogRecord:
    logger = logging.getLogger("bot.service.actions")
    return logger.makeRecord(
        logger.name, level, __file__, 1, msg, args, exc_info, extra=extra or None
    )


def line(rec: logging.LogRecord) -> dict[str, Any]:
    text = JsonFormatter().format(rec)
    assert "\n" not in text  # one event, one line
    return json.loads(text)


def test_a_line_has_the_fixed_fields_and_the_extra_ones_as_json_types() -> None:
    out = line(record(sid="a1b2", count=3, lag_ms=12.5, auto=True, phase=None, note=("x", 1)))
    assert set(out) == {"ts", "level", "logger", "event", "cid", "sid", "count", "lag_ms"} | {
        "auto",
        "phase",
        "note",
    }
    assert out["ts"].endswith("Z") and out["ts"][10] == "T"
    assert (out["level"], out["logger"], out["event"]) == (
        "INFO",
        "bot.service.actions",
        "idea_submitted",
    )
    assert out["cid"] == "-"  # outside a request or a job
    assert (out["sid"], out["count"], out["lag_ms"], out["auto"]) == ("a1b2", 3, 12.5, True)
    assert out["phase"] is None and out["note"] == "('x', 1)"


def test_percent_arguments_are_formatted_into_the_event() -> None:
    assert line(record("%s_tick_failed", "timer"))["event"] == "timer_tick_failed"


def test_personal_sounding_extra_fields_are_redacted() -> None:
    out = line(
        record(
            sid="s1",
            text="Gå-buss med voksne",
            aad_id="4f1c0c1e-aaaa",
            user_id="29:1abc",
            display_name="Kari Innbygger",
            Topic="Bedre skolevei",
        )
    )
    assert out["sid"] == "s1"
    for key in ("text", "aad_id", "user_id", "display_name", "Topic"):
        assert out[key] == REDACTED
    assert "Kari" not in json.dumps(out) and "Gå-buss" not in json.dumps(out)


def test_an_exception_keeps_its_type_and_frames_but_not_its_message() -> None:
    user_id, idea = "29:1secret-user", "Gå-buss med voksne"  # runtime data, as in a turn

    def fail() -> None:
        try:
            raise KeyError(user_id)
        except KeyError as exc:
            raise ValueError(f"bad idea: {idea}") from exc

    try:
        fail()
    except ValueError:
        out = line(record("turn_failed", level=logging.ERROR, exc_info=sys.exc_info()))
    assert out["exc_type"] == "ValueError"
    assert "KeyError" in out["exc"] and "ValueError" in out["exc"]  # the cause is kept
    assert "in fail" in out["exc"] and "Traceback" in out["exc"]
    assert user_id not in out["exc"] and idea not in out["exc"]  # the frames show code only


def test_exc_info_without_an_exception_writes_no_traceback() -> None:
    out = line(record("odd", exc_info=(None, None, None)))
    assert "exc" not in out and "exc_type" not in out


def test_a_job_gets_its_own_correlation_id_and_gives_the_old_one_back() -> None:
    token = correlation_id.set("request-1")
    try:
        with correlated() as first:
            assert correlation_id.get() == first != "request-1"
            assert line(record())["cid"] == first
            with correlated() as second:
                assert second != first
            assert correlation_id.get() == first
        assert correlation_id.get() == "request-1"
    finally:
        correlation_id.reset(token)


async def test_concurrent_jobs_keep_their_ids_apart() -> None:
    async def job() -> tuple[str, str]:
        with correlated() as mine:
            await asyncio.sleep(0)
            return mine, correlation_id.get()

    results = await asyncio.gather(job(), job(), job())
    assert all(mine == seen for mine, seen in results)
    assert len({mine for mine, _ in results}) == 3


def test_backoff_doubles_to_the_cap_logs_once_per_step_and_resets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = logging.getLogger("bot.outbox.refresher")
    backoff = Backoff(log, "refresher", first_s=0.5, cap_s=10.0)
    caplog.set_level(logging.INFO, logger=log.name)
    delays = [backoff.failed(ConnectionError("redis down")) for _ in range(20)]
    assert delays[:7] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert set(delays[5:]) == {10.0}
    failed = [r for r in caplog.records if r.getMessage() == "refresher_tick_failed"]
    assert len(failed) == 6  # one per step, none while it stays at the cap
    assert failed[0].exc_info is not None and all(r.exc_info is None for r in failed[1:])
    assert [r.retry_s for r in failed] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0]  # type: ignore[attr-defined]
    backoff.succeeded()
    assert caplog.records[-1].getMessage() == "refresher_tick_recovered"
    assert caplog.records[-1].failures == 20  # type: ignore[attr-defined]
    assert backoff.failed(ConnectionError()) == 0.5  # a new outage starts from the bottom
    backoff.succeeded()
    count = len(caplog.records)
    backoff.succeeded()
    assert len(caplog.records) == count  # nothing to report when nothing failed
