"""Output that fits the terminal: the table at 80, 100 and 140 columns (every line within the width, measured
with wcwidth and without colour codes), one line per finding, counts per rule, colour only where wanted,
a rule's page, click's own messages in Chinese, SARIF lines and columns, readable precedent sources."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from wcwidth import wcswidth

from fairreview.cli import main
from fairreview.legal import provisions
from fairreview.match.lexicon import load
from fairreview.precedent import library
from fairreview.report.labels import precedent_source
from fairreview.report.style import Style, colour_wanted
from fairreview.report.text_width import plain, width, wrap

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = "2026-11-27"
CONCISE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>\S+) (?P<rest>.*)$")


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not any(EXAMPLES.glob("*.txt")):
        pytest.skip("examples/ is missing")
    shutil.copytree(EXAMPLES, tmp_path / "docs")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "docs"


def invoke(*args: str, columns: int | None = None) -> tuple[int, str, str]:
    env = {"COLUMNS": str(columns)} if columns else {}
    res = CliRunner(env=env).invoke(main, [*args, "--as-of", AS_OF], catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


@pytest.mark.parametrize("columns", [60, 80, 100, 140])
def test_every_line_of_the_table_fits(docs: Path, columns: int) -> None:
    code, out, _ = invoke("scan", "docs", columns=columns)
    assert code == 1
    lines = out.splitlines()
    widest = max(wcswidth(line) for line in lines)
    assert widest <= columns, [line for line in lines if wcswidth(line) > columns]
    assert "CO201" in out and "共排查" in out
    narrow = "规则（依据）" in out  # the narrow layout: each document's path on its own line
    assert narrow == (columns < 110)
    if columns >= 110:  # the wide layout uses the width it is given
        assert widest >= columns - 10


def test_colour_does_not_change_the_layout(docs: Path) -> None:
    _, plain_out, _ = invoke("scan", "docs", "--no-color", columns=80)
    _, coloured, _ = invoke("scan", "docs", "--color", columns=80)
    assert "\x1b[" in coloured and "\x1b[" not in plain_out
    assert plain(coloured) == plain_out
    assert max(width(line) for line in coloured.splitlines()) <= 80


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert colour_wanted(Tty()) and not colour_wanted(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(Tty()) and colour_wanted(Tty(), True)
    # wrapping counts no escape code: a highlighted clause wraps where the plain one does
    marked = Style(True).marked("对【本地企业】给予优先" * 5)
    assert plain(wrap(marked, 20)) == wrap(plain(marked), 20)


def test_concise_points_to_the_sentence(docs: Path) -> None:
    code, out, _ = invoke("scan", "docs", "--format", "concise")
    _, raw, _ = invoke("scan", "docs", "--format", "json")
    assert code == 1
    report = json.loads(raw)
    lines = [m for line in out.splitlines() if (m := CONCISE.match(line))]
    active = [(d, f) for d in report["documents"] for f in d["findings"]
              if f["severity"] != "info" and f.get("review_status") not in ("dismissed", "exception")]
    assert len(lines) == len(active) + sum(1 for d in report["documents"] if d["verdict"] == "expired"
                                           and not d["findings"])
    for m in lines:
        if not m["code"][:2].isalpha() or m["code"] == "失效":
            continue
        assert m["rest"].startswith(("[明显违反]", "[疑似]"))
        text = CliRunner().invoke(main, ["text", m["path"]]).stdout
        line = text.split("\n")[int(m["line"]) - 1]
        start = line[int(m["col"]) - 1:]
        finding = next(f for d, f in active if Path(d["path"]) == Path(m["path"]) and f["rule"] == m["code"]
                       and (f["line"], f["column"]) == (int(m["line"]), int(m["col"])))
        assert start.startswith(finding["text"][:8])  # line and column are where the sentence starts


def test_statistics_count_each_rule(docs: Path) -> None:
    code, out, _ = invoke("scan", "docs", "--statistics", columns=80)
    _, raw, _ = invoke("scan", "docs", "--format", "concise")
    assert code == 1
    codes = [m["code"] for line in raw.splitlines() if (m := CONCISE.match(line)) and m["code"] != "失效"]
    for code_, n in {c: codes.count(c) for c in codes}.items():
        assert re.search(rf"^\s*{n}\s+{code_}\s", out, re.M), (code_, n, out)
    assert f"共 {len(codes)} 处问题" in out
    assert max(wcswidth(line) for line in out.splitlines()) <= 80


def test_rule_page_from_the_rule(tmp_path: Path) -> None:
    rule = load().by_code()["CO201"]
    res = CliRunner(env={"COLUMNS": "100"}).invoke(main, ["rule", "co201"])
    assert res.exit_code == 0, res.stderr
    flat = res.stdout.replace("\n  ", "").replace("\n> ", "")
    assert f"CO201 {rule.title}" in res.stdout and rule.suggestion in flat
    for pid in rule.provisions:
        assert provisions()[pid].citation in res.stdout
    assert all(e in flat for e in rule.violation_examples + rule.compliant_examples)
    assert max(wcswidth(line) for line in res.stdout.splitlines()) <= 100
    lg = CliRunner().invoke(main, ["rule", "LG001"])
    assert lg.exit_code == 0 and "引用已废止" in lg.stdout
    missing = CliRunner().invoke(main, ["rule", "ZZ999"])
    assert missing.exit_code == 2 and "没有规则 ZZ999" in missing.stderr


def test_clicks_own_messages_are_chinese(tmp_path: Path) -> None:
    for args in (["scan", "--format", "x", str(tmp_path)], ["scan"], ["scan", "--nope", str(tmp_path)], ["scann"]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 2
        assert "用法：" in res.stderr and "错误：" in res.stderr, res.stderr
        assert not re.search(r"Usage:|Error:|Invalid value|Missing argument|No such", res.stderr), res.stderr
    help_text = CliRunner().invoke(main, ["--help"]).stdout
    assert "显示本帮助并退出" in help_text and "Show this message" not in help_text


def test_sarif_results_have_lines_and_columns(docs: Path) -> None:
    _, raw, _ = invoke("scan", "docs", "--format", "json")
    _, sarif, _ = invoke("scan", "docs", "--format", "sarif")
    want = sorted((f["line"], f["column"]) for d in json.loads(raw)["documents"] for f in d["findings"])
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in json.loads(sarif)["runs"][0]["results"]]
    assert sorted((r["startLine"], r["startColumn"]) for r in regions) == want
    assert all(r["startLine"] >= 1 and r["startColumn"] >= 1 for r in regions)


def test_precedent_sources_are_readable_names() -> None:
    for p in library():
        label = precedent_source(p.source)
        assert label and not re.search(r"repo:|#|\.db|local_backup|=", label), (p.source, label)
