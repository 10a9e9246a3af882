"""A one-line progress bar on stderr: documents done / total, rate, time left.

It appears only when the run has lasted ``delay`` seconds (short scans stay quiet) and only on a terminal:
redirected stderr (CI, logs, pipes) and ``--quiet`` get nothing. It redraws at most ``interval`` times a
second, so a fast re-scan does not spend its time drawing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from ..escapes import screen_name

WIDTH = 24


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    def __init__(self, total: int, enabled: bool = True, *, stream: TextIO | None = None, delay: float = 2.0,
                 interval: float = 0.1, clock: Callable[[], float] = time.monotonic, label: str = "排查"):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and _is_terminal(self.stream)
        self.delay, self.interval, self.clock = delay, interval, clock
        self.label = screen_name(label)  # the bar's own \r and erase codes are the only controls it writes
        self.done = 0
        self.start = clock()
        self._last_draw: float | None = None
        self._shown = False

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = self.clock()
        if now - self.start < self.delay:
            return
        if self._last_draw is not None and now - self._last_draw < self.interval and self.done < self.total:
            return
        self._last_draw = now
        self._draw(now)

    def line(self, now: float) -> str:
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        frac = self.done / self.total if self.total else 1.0
        filled = int(WIDTH * frac)
        bar = "█" * filled + "░" * (WIDTH - filled)
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        return (f"{self.label} {bar} {self.done}/{self.total} 件 · {rate:.1f} 件/秒 · "
                f"已用 {_clock(elapsed)} · 剩余约 {_clock(left)}")

    def _draw(self, now: float) -> None:
        self.stream.write("\r\x1b[2K" + self.line(now))
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """Erase the bar so the report (or the summary line) starts on a clean line."""
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
