"""The Python API returns the same typed objects the CLI renders."""

from __future__ import annotations

from pathlib import Path

import fairreview
from fairreview.model import DocumentResult, Finding, Report


def test_scan_text_finds_and_concludes() -> None:
    doc = fairreview.scan_text("第三条 对将注册地迁入本区的企业，给予一次性奖励50万元。", name="draft")
    assert isinstance(doc, DocumentResult)
    assert doc.verdict == "amend"
    assert all(isinstance(f, Finding) for f in doc.findings)
    assert doc.findings[0].location == "第三条"


def test_scan_text_restated_ban_is_clean() -> None:
    doc = fairreview.scan_text("第三条 不得以企业将注册地迁入本地为条件给予奖励。")
    assert doc.verdict == "retain"
    assert not doc.flagged


def test_scan_paths_returns_a_report(tmp_path: Path) -> None:
    lawful = "各部门应当依法履行职责，做好本行政区域内的相关工作。"  # ≥ 20 characters: enough to conclude 保留
    (tmp_path / "b.txt").write_text(lawful, encoding="utf-8")
    (tmp_path / "a.txt").write_text(lawful, encoding="utf-8")
    report = fairreview.scan_paths([str(tmp_path)])
    assert isinstance(report, Report)
    assert [Path(d.path).name for d in report.documents] == ["a.txt", "b.txt"]
    assert report.summary()["retain"] == 2
    assert report.to_dict()["segmenter"] == report.segmenter
