"""How the program ends: the exit code given, exit handlers run, buffered output flushed — without the
interpreter's teardown (fairreview.cli.leave)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import atexit, sys, threading, time
from fairreview.cli import leave
atexit.register(lambda: print("handler ran", flush=False))
sys.stdout.write("buffered output;")
if sys.argv[1] == "thread":
    threading.Thread(target=lambda: (time.sleep(0.3), print("thread done;", end=""))).start()
leave(int(sys.argv[2]))
"""


def _run(mode: str, code: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, mode, str(code)], capture_output=True, text=True,
                          timeout=60, check=False)


def test_the_exit_code_handlers_and_buffered_output_survive() -> None:
    for code in (0, 1, 2, 130):
        proc = _run("plain", code)
        assert proc.returncode == code
        assert proc.stdout == "buffered output;handler ran\n"


def test_a_thread_still_running_is_waited_for() -> None:
    proc = _run("thread", 1)
    assert proc.returncode == 1
    assert "thread done;" in proc.stdout and "handler ran" in proc.stdout
