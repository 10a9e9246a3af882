"""Names and text from outside are data (issue 12, item 4): file names with undecodable bytes and control
characters, and documents whose text holds escape sequences, through every output of a real `fairreview`
process: valid UTF-8, lossless in JSON/CSV/SARIF, never a raw control character on a terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from fairreview import Settings, scan_paths
from fairreview.escapes import for_screen, from_sheet_cell, unescape_text
from fairreview.model import Report
from fairreview.report.details import render_details
from fairreview.report.render import render_json
from fairreview.report.table import render_table

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "formats" / "notice.txt"  # cites a repealed law: LG001
GBK = "公文".encode("gbk")  # b9 ab ce c4: not UTF-8
HOSTILE = "\x1b]0;窗口标题\x07\x1b[2J\x1b[31m红\u009b31m\u202e\r覆盖"


def raw(name: bytes) -> str:
    return os.fsdecode(name)  # surrogateescape: what Python holds for such a name


def fairreview(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "FAIRREVIEW_REVIEWER": "甲"}
    return subprocess.run([sys.executable, "-m", "fairreview", *args], cwd=cwd, capture_output=True, env=env,
                          timeout=120, check=False)


def terminal_safe(out: bytes) -> str:
    """The bytes decode as UTF-8 and hold no control character a terminal would obey (only \\n and \\t)."""
    text = out.decode("utf-8")
    bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F
           or c in "\u202e\u2066\u2067\u2068\u2069"]
    assert not bad, f"raw control characters on the terminal: {bad!r}"
    return text


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    body = FIXTURE.read_bytes()
    (docs / os.fsdecode(b"gbk-" + GBK + b".txt")).write_bytes(body)
    (docs / f"esc-{HOSTILE.replace(chr(13), '')}.txt").write_bytes(body)
    (docs / "=HYPERLINK(1).txt").write_bytes(body)
    text = FIXTURE.read_text(encoding="utf-8").replace("第一条", f"第一条{HOSTILE}", 1)
    (docs / "text-with-escapes.txt").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["table", "details", "statistics", "concise", "json", "jsonl", "sarif", "csv"])
def test_every_scan_output_is_valid_utf8_and_terminal_safe(folder: Path, fmt: str) -> None:
    args = [f"--{fmt}"] if fmt in ("details", "statistics") else ["--format", fmt]
    proc = fairreview("scan", "docs", "--no-cache", *args, cwd=folder)
    assert proc.returncode == 1, proc.stderr.decode()  # findings, not a crash
    assert b"Traceback" not in proc.stderr
    terminal_safe(proc.stdout)
    terminal_safe(proc.stderr)
    out = folder / f"out.{fmt}"
    written = fairreview("scan", "docs", "--no-cache", *args, "-o", str(out), cwd=folder)
    assert written.returncode == 1 and out.read_bytes() == proc.stdout  # -o writes exactly what stdout shows


def test_json_names_unescape_to_the_exact_bytes(folder: Path) -> None:
    proc = fairreview("scan", "docs", "--no-cache", "--format", "json", cwd=folder)
    report = json.loads(proc.stdout.decode("utf-8"))
    names = {os.fsencode(os.path.basename(unescape_text(d["path"]))) for d in report["documents"]}
    assert names == {os.fsencode(n) for n in os.listdir(folder / "docs")}
    lines = fairreview("scan", "docs", "--no-cache", "--format", "jsonl", cwd=folder).stdout
    docs = [json.loads(line) for line in lines.decode("utf-8").splitlines()][:-1]
    assert {os.fsencode(os.path.basename(unescape_text(d["path"]))) for d in docs} == names


def test_sarif_uris_percent_encode_the_name_bytes(folder: Path) -> None:
    proc = fairreview("scan", "docs", "--no-cache", "--format", "sarif", cwd=folder)
    run = json.loads(proc.stdout.decode("utf-8"))["runs"][0]
    uris = {unquote_to_bytes(a["location"]["uri"]).rsplit(b"/", 1)[-1] for a in run["artifacts"]}
    assert uris == {os.fsencode(n) for n in os.listdir(folder / "docs")}


def test_csv_names_are_text_and_round_trip(folder: Path) -> None:
    names = os.listdir(folder / "docs")  # given by name, so the path cell starts with the name itself
    proc = fairreview("scan", *names, "--no-cache", "--format", "csv", cwd=folder / "docs")
    rows = list(csv.reader(io.StringIO(proc.stdout.decode("utf-8-sig"))))[1:]
    cells = {row[0] for row in rows}
    assert all(not c.startswith(("=", "+", "-", "@")) for row in rows for c in row)
    formula = next(c for c in cells if "HYPERLINK" in c)
    assert formula.startswith("'=")  # shown as text by Excel and LibreOffice
    back = {os.fsencode(os.path.basename(from_sheet_cell(c))) for c in cells}
    assert back == {os.fsencode(n) for n in os.listdir(folder / "docs")}


def test_show_text_and_errors_never_pass_control_characters(folder: Path) -> None:
    doc = "docs/text-with-escapes.txt"
    for args in (["show", doc, "--no-cache"], ["text", doc], ["text", "--structure", "--meta", doc]):
        proc = fairreview(*args, cwd=folder)
        assert proc.returncode in (0, 1), proc.stderr.decode()
        text = terminal_safe(proc.stdout)
        if args == ["text", doc]:
            assert "\\x1b]0;窗口标题\\x07\\x1b[2J" in text and "\\x0d覆盖" in text  # shown, so a reviewer sees that something is odd
    missing = fairreview("scan", f"docs/missing{HOSTILE}.txt", cwd=folder)
    assert missing.returncode == 2
    assert "路径不存在" in terminal_safe(missing.stderr)
    gbk = fairreview("text", os.fsdecode(b"docs/gbk-" + GBK + b".txt"), "docs/none.txt", cwd=folder)
    assert "==> docs/gbk-\\xb9\\xab\\xce\\xc4.txt <==" in terminal_safe(gbk.stdout)
    terminal_safe(gbk.stderr)


def test_review_screen_shows_names_and_text_escaped(folder: Path) -> None:
    for extra in ([], ["--color"]):
        proc = subprocess.run(
            [sys.executable, "-m", "fairreview", "review", "docs", "--no-cache", "--reviewer", "甲", *extra],
            cwd=folder, input=b"s\n\n" * 8 + b"q\n", capture_output=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr.decode()
        out = proc.stdout.decode("utf-8")
        if extra:  # the screen's own colours only: ESC followed by an SGR sequence, nothing else
            import re
            out = re.sub(r"\x1b\[[0-9;]*m", "", out)
        terminal_safe(out.encode())
        assert "\\x1b]0;" in out and "\\xb9\\xab" in out


NAME_BYTES = st.binary(min_size=1, max_size=24).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_"))


def _report(folder: Path) -> Report:
    return scan_paths([str(folder)], Settings(as_of="2026-11-27"))


def test_any_file_name_is_lossless_in_json_and_safe_on_screen(tmp_path: Path, fuzz_seed: int) -> None:
    body = FIXTURE.read_bytes()
    counter = iter(range(10**6))

    @seed(fuzz_seed)
    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(NAME_BYTES, min_size=1, max_size=4, unique=True))
    def run(names: list[bytes]) -> None:
        folder = tmp_path / str(next(counter))
        folder.mkdir()
        made = set()
        for n in names:
            name = (b"x" + n if n.startswith(b".") or n.startswith(b"~$") else n) + b".txt"
            if name in made:
                continue
            (folder / os.fsdecode(name)).write_bytes(body)
            made.add(name)
        report = _report(folder)
        assert len(report.documents) == len(made)
        back = {os.fsencode(os.path.basename(unescape_text(d["path"])))
                for d in json.loads(render_json(report).encode("utf-8"))["documents"]}
        assert back == made
        for out in (render_table(for_screen(report)), render_details(for_screen(report))):
            terminal_safe(out.encode("utf-8"))

    run()


def test_for_screen_leaves_the_report_itself_alone(tmp_path: Path) -> None:
    (tmp_path / raw(b"a\x1b[2J" + GBK + b".txt")).write_bytes(FIXTURE.read_bytes())
    report = _report(tmp_path)
    before = report.documents[0].path
    shown = for_screen(report)
    assert report.documents[0].path == before and "\x1b" in before
    assert "\x1b" not in shown.documents[0].path and shown.documents[0].path.endswith("\\xce\\xc4.txt")
    assert shown.documents[0].findings[0].rule == report.documents[0].findings[0].rule
