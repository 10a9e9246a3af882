"""The progress bar: only on a terminal, only after the delay, erased at the end."""

from __future__ import annotations

import io

from fairreview.batch.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_silent_before_the_delay_then_counts_rate_and_time_left() -> None:
    out, clock = Terminal(), Clock()
    bar = Progress(10, stream=out, clock=clock, delay=2.0, interval=0.0)
    bar.advance()
    assert out.getvalue() == ""  # a short run never shows a bar
    clock.now += 4.0
    bar.advance()  # 2 of 10 after 4 s: 0.5 per second, 16 s left
    line = out.getvalue().rsplit("\r\x1b[2K", 1)[-1]
    assert "2/10" in line and "0.5 件/秒" in line and "剩余约 0:16" in line
    bar.close()
    assert out.getvalue().endswith("\r\x1b[2K")


def test_nothing_when_stderr_is_not_a_terminal_or_quiet() -> None:
    for stream, enabled in ((io.StringIO(), True), (Terminal(), False)):
        clock = Clock()
        bar = Progress(3, enabled=enabled, stream=stream, clock=clock, delay=0.0, interval=0.0)
        for _ in range(3):
            clock.now += 5
            bar.advance()
        bar.close()
        assert stream.getvalue() == ""


def test_redraws_are_throttled_but_the_last_one_is_drawn() -> None:
    out, clock = Terminal(), Clock()
    bar = Progress(1000, stream=out, clock=clock, delay=0.0, interval=0.5)
    for _ in range(999):
        clock.now += 0.001
        bar.advance()
    draws = out.getvalue().count("\r\x1b[2K")
    assert 1 <= draws <= 3
    bar.advance()
    assert "1000/1000" in out.getvalue().rsplit("\r\x1b[2K", 1)[-1]
