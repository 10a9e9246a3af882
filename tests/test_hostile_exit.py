"""Exit codes as documented (issue 12, item 8), with real processes and real signals: 0 clean, 1 findings, 2 the run
failed (an internal error too: one Chinese line, the traceback only with --debug), 130 on Ctrl-C — also while the
workers are busy, which then stop with their converters' process groups and leave no temporary copy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fairreview.batch import local
from fairreview.cli import run

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
CLEAN = "第一条 为规范本县公共文化服务，制定本办法。\n第二条 本办法自发布之日起施行。\n" * 3
BUG = ("import sys\nfrom fairreview.batch.runner import Runner\n"
       "def broken(self, *a, **k): raise ValueError('意外的状态\\nsecond line')\n"
       "Runner.scan = broken\nfrom fairreview.cli import entry\nsys.argv[0] = 'fairreview'\nentry()\n")


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "findings.txt").write_bytes((FORMATS / "notice.txt").read_bytes())
    (docs / "clean.txt").write_text("县文化馆开放时间的通知\n" + CLEAN, encoding="utf-8")
    return docs


def test_exit_codes_clean_findings_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = _docs(tmp_path)
    assert run(["scan", str(docs / "clean.txt"), "-q", "--no-cache"]) == 0
    assert run(["scan", str(docs), "-q", "--no-cache"]) == 1
    assert run(["scan", str(docs / "missing.txt")]) == 2
    assert run(["scan", "--no-such-option", str(docs)]) == 2  # click's usage errors too
    assert run(["--version"]) == 0
    capsys.readouterr()


def test_an_internal_error_is_one_chinese_line_and_exit_2(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    plain = subprocess.run([sys.executable, "-c", BUG, "scan", str(docs), "-q"], capture_output=True, text=True,
                           timeout=120, check=False)
    assert plain.returncode == 2
    lines = plain.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：fairreview 内部错误（ValueError: 意外的状态 second line）")
    assert "--debug" in lines[0] and "Traceback" not in plain.stderr
    debug = subprocess.run([sys.executable, "-c", BUG, "--debug", "scan", str(docs), "-q"], capture_output=True,
                           text=True, timeout=120, check=False)
    assert debug.returncode == 2 and "Traceback" in debug.stderr and "in broken" in debug.stderr


def test_keyboard_interrupt_anywhere_is_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from fairreview.batch.runner import Runner

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Runner, "scan", interrupted)
    assert run(["scan", str(_docs(tmp_path)), "-q"]) == 130
    assert "已中断" in capsys.readouterr().err


FAKE_SOFFICE = """#!/bin/sh
echo $$ >> "{pids}"
(sleep 4; touch "{marker}") &
sleep 60
"""


def _terminal_ctrl_c() -> None:
    """In the child, before exec: Ctrl-C as a terminal delivers it. A shell that starts the test run in the
    background (``pytest … &``) hands every child SIGINT ignored, and such a child rightly keeps ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(check: object, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(local.start_method() != "fork", reason="Linux: process groups and fork")
def test_ctrl_c_while_workers_convert_exits_130_and_leaves_nothing_behind(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    for i in range(14):
        (docs / f"more-{i:02d}.txt").write_bytes((FORMATS / "notice.txt").read_bytes())
    for name in ("works-a.wps", "works-b.wps"):  # OLE without a WordDocument stream: only a converter reads it
        (docs / name).write_bytes((FORMATS / "policy-list.xls").read_bytes())
    pids, marker = tmp_path / "pids", tmp_path / "marker"
    (tmp_path / "bin").mkdir()
    soffice = tmp_path / "bin" / "soffice"
    soffice.write_text(FAKE_SOFFICE.format(pids=pids, marker=marker))
    soffice.chmod(0o755)
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "TMPDIR": str(tmp_path / "tmp")}
    # a session of its own: the signal goes to the whole group, as a terminal's Ctrl-C does
    proc = subprocess.Popen([sys.executable, "-m", "fairreview", "scan", str(docs), "--jobs", "2", "--no-cache",
                             "-q"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_terminal_ctrl_c)
    try:
        started = _wait_for(lambda: pids.exists() and len(pids.read_text().split()) == 2, 60)
        assert started, "both workers should be converting"
        converters = [int(p) for p in pids.read_text().split()]
        os.killpg(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    text = err.decode("utf-8")
    assert "已中断" in text and "Traceback" not in text and len(text.strip().splitlines()) == 1
    assert _wait_for(lambda: not any(_alive(p) for p in converters), 5)
    time.sleep(4.5)  # past the moment the converter's helper would have written the marker
    assert not marker.exists()
    assert list((tmp_path / "tmp").iterdir()) == []  # no copy of a document left behind


def test_ctrl_c_in_the_review_screen_keeps_the_answers_and_exits_130(tmp_path: Path) -> None:
    _docs(tmp_path)
    env = {**os.environ, "FAIRREVIEW_REVIEWER": "甲"}
    proc = subprocess.Popen([sys.executable, "-m", "fairreview", "review", "docs", "--no-cache", "-q"], cwd=tmp_path,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=_terminal_ctrl_c)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"c\n")
    proc.stdin.flush()
    seen = b""
    while b"\xe5\xb7\xb2\xe8\xae\xb0\xe5\xbd\x95" not in seen:  # "已记录": the answer was committed
        chunk = os.read(proc.stdout.fileno(), 4096)
        assert chunk, "the review ended early"
        seen += chunk
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGINT)
    out, _err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "已退出" in (seen + out).decode("utf-8")
    check = subprocess.run([sys.executable, "-m", "fairreview", "db", "check"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=60, check=False)
    assert check.returncode == 0 and "复核记录 1" in check.stdout
