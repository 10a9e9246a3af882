"""The review loop with piped input (not a terminal): one answer per line, end of input = quit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fairreview.cli import main
from fairreview.review.tui import _context

DOC = """某县关于扶持本地物流企业发展的若干规定

第一条 为促进本县物流业发展，制定本规定。
第二条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。
第三条 对年度纳税额超过200万元的物流企业，按其地方财政贡献的30%给予奖励。
第四条 本规定自发布之日起施行。
"""


@pytest.fixture(autouse=True)
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(DOC, encoding="utf-8")
    return tmp_path


def review(input: str, *extra: str) -> str:
    res = CliRunner().invoke(main, ["review", "docs", "--reviewer", "甲", *extra], input=input,
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def statuses() -> list[str | None]:
    res = CliRunner().invoke(main, ["scan", "docs", "--format", "json"], catch_exceptions=False)
    doc = json.loads(res.stdout)["documents"][0]
    return [f.get("review_status") for f in doc["findings"] if f["severity"] in ("error", "warning")]


def test_end_of_input_quits_and_keeps_answers() -> None:
    out = review("c\n")
    assert "已记录：确认违规" in out and "已退出" in out and "尚有" in out
    assert statuses()[0] == "confirmed" and statuses()[1] is None
    # answers are echoed, so a piped session leaves a readable transcript
    assert "> c\n" in out


def test_unknown_input_shows_help_and_undo_reopens() -> None:
    out = review("x\nc\nb\nu\nq\n")
    assert "未识别的输入" in out and "已记录：撤销复核" in out
    assert statuses()[0] is None


def test_nothing_to_review_and_all_flag() -> None:
    n = len(statuses())
    review("c\n" * n + "\n")
    assert "没有待复核的问题条款" in review("")
    out = review("f\n误读\nq\n", "--all")
    assert "当前复核：确认违规" in out and statuses()[0] == "dismissed"


def test_context_lines() -> None:
    text = "第一条 甲。\n第二条 乙。丙。\n第三条 丁。"
    start = text.index("丙")
    assert _context(text, start, start + 2) == ("第二条 乙。", "第三条 丁。")
    assert _context(text, 0, 6) == ("", "第二条 乙。丙。")


def _document_of(path: Path) -> object:
    res = CliRunner().invoke(main, ["scan", str(path), "--format", "json", "--no-cache"], catch_exceptions=False)
    from fairreview.model import DocumentResult

    return DocumentResult.from_dict(json.loads(res.stdout)["documents"][0])


def test_the_text_read_again_for_context_is_the_scanned_text_or_nothing(work: Path) -> None:
    from fairreview.review.source import read_document_text

    path = work / "docs" / "a.txt"
    doc = _document_of(path)
    text = read_document_text(doc)  # type: ignore[arg-type]
    assert text is not None and "县邮政快递服务公司" in text
    path.write_text(DOC.replace("邮政", "顺达"), encoding="utf-8")  # no longer the bytes that were scanned
    assert read_document_text(doc) is None  # type: ignore[arg-type]


def test_the_text_read_again_keeps_to_the_document_budget(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review screen reads a document again in a worker within the budget, as the scan did: a reader that
    never returns costs the context lines, not the reviewer's session."""
    import time

    from fairreview.read import registry
    from fairreview.review.source import read_document_text
    from fairreview.settings import Budget, Settings

    doc = _document_of(work / "docs" / "a.txt")

    real = registry._extract

    def stuck(data: bytes, name: str) -> object:
        time.sleep(30)  # then the text, which only a reader without a budget would get to return
        return real(data, name)

    monkeypatch.setattr(registry, "_extract", stuck)  # the worker is forked from here and inherits it
    assert read_document_text(doc, Settings(budget=Budget(timeout_s=1.0))) is None  # type: ignore[arg-type]
