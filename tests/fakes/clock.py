"""An injected clock: tests move time, nobody sleeps for a timebox."""

from __future__ import annotations

from dataclasses import dataclass

START_MS = 1_796_119_200_000  # 2026-12-01T10:00:00Z


@dataclass
class FakeClock:
    now: int = START_MS

    def now_ms(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += int(seconds * 1000)
