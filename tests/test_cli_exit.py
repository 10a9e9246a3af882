"""How the program ends: the exit code given, exit handlers run, buffered output flushed — without the
interpreter's teardown (fairreview.cli.leave)."""

from __future__ import annotations

import os
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


FULL = """
import sys
from fairreview.cli import leave
sys.stdout.write("the whole report")  # still in the buffer when the program ends
leave(int(sys.argv[1]))
"""


def test_output_that_cannot_be_written_at_the_end_fails_the_run() -> None:
    # a full disk under a report sent to stdout: the interpreter's own ending gives 120; ours says why and gives 2
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # the write waits in the buffer
    with open("/dev/full", "w") as full:
        for code in (0, 1):
            proc = subprocess.run([sys.executable, "-c", FULL, str(code)], stdout=full, stderr=subprocess.PIPE,
                                  text=True, timeout=60, check=False, env=env)
            assert proc.returncode == 2
            assert "输出未能全部写出" in proc.stderr
