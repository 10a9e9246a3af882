"""Every command that scans goes through the one runner (fairreview.batch): after a cached scan, scan, show,
review, decide, ledger and baseline build no Engine and read no document again, and review decisions are
applied to the stored results (the verdict is recomputed from the stored outline)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fairreview import Settings, pipeline, scan_paths
from fairreview.cli import main
from fairreview.review import source
from fairreview.review.apply import register_document
from fairreview.review.fingerprint import sentence_fingerprint
from fairreview.review.store import Store

AS_OF = "2026-11-27"
# One restriction (a designated supplier, 条例第八条第（三）项), written for this test.
DIRTY = "某县关于规范办公用品采购的通知\n\n一、各单位办公用品统一到县百货公司定点采购。\n二、各单位应当厉行节约。\n"
CLEAN = "某县关于做好秋冬季森林防火工作的通知\n\n一、加强火源管控，严禁野外用火。\n二、落实值班值守制度。\n"


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout  # (stderr names the configuration and the database)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fairreview.toml").write_text("", encoding="utf-8")  # a project: its database in .fairreview/
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "采购.txt").write_text(DIRTY, encoding="utf-8")
    (docs / "防火.txt").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def _forbid_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_engine(*_: Any, **__: Any) -> None:
        raise AssertionError("an Engine was built although every result is cached")

    def no_reading(*_: Any, **__: Any) -> None:
        raise AssertionError("a document was read again although its result is cached")

    monkeypatch.setattr(pipeline.Engine, "__init__", no_engine)
    monkeypatch.setattr(pipeline, "extract", no_reading)
    monkeypatch.setattr(source, "extract_data", no_reading)


def test_every_scanning_command_uses_the_cached_results(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ["--cache-dir", str(work / "cache"), "--as-of", AS_OF]
    code, out = run("scan", "docs", "--format", "json", *cache)
    assert code == 1, out
    fresh = json.loads(out)
    (dirty,) = [d for d in fresh["documents"] if d["findings"]]
    assert dirty["verdict"] == "amend" and len([f for f in dirty["findings"] if f["severity"] != "info"]) == 1

    # a reviewer dismisses the one finding (through the library, before anything is forbidden)
    report = scan_paths(["docs"], Settings(as_of=AS_OF))
    doc = next(d for d in report.documents if d.flagged)
    with Store.open(work / ".fairreview" / "review.db") as store:
        doc_id = register_document(store, doc)
        f = doc.flagged[0]
        store.decide(doc_id, f.rule, sentence_fingerprint(f.text), "dismissed", "甲", reason="测试")

    _forbid_analysis(monkeypatch)
    code, out = run("scan", "docs", "--format", "json", *cache)
    assert code == 0, out  # the dismissed finding no longer fails the run
    after = {d["path"]: d for d in json.loads(out)["documents"]}[dirty["path"]]
    assert after["verdict"] == "retain" and after["scan_verdict"] == "amend"  # recomputed, no file read
    assert after["findings"][0]["review_status"] == "dismissed"

    code, out = run("show", dirty["path"], "--format", "json", *cache)
    assert code == 1 and json.loads(out)["verdict"] == "amend"  # show is the scan's view, without decisions
    code, out = run("review", "docs", "--reviewer", "乙", "-j", "2", *cache, input="q\n")
    assert code == 0 and "没有待复核的问题条款" in out, out
    code, out = run("ledger", "docs", "-o", str(work / "台账.csv"), *cache)
    assert code == 0 and "保留 2 件" in out, out
    code, out = run("baseline", "docs", *cache)
    assert code == 0 and "新增 1 处" in out, out
    code, out = run("decide", dirty["path"], "--conclusion", "保留", "--reason", "已核", "--reviewer", "乙", *cache)
    assert code == 0 and "建议结论 保留" in out, out


def test_the_review_screen_reads_only_the_document_it_shows(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ["--cache-dir", str(work / "cache"), "--as-of", AS_OF]
    run("scan", "docs", *cache)
    monkeypatch.setattr(pipeline.Engine, "__init__", lambda *_: pytest.fail("an Engine was built"))
    read: list[str] = []
    real = source.extract_data

    def spy(data: bytes, path: str, settings: Any) -> Any:
        read.append(Path(path).name)
        return real(data, path, settings)

    monkeypatch.setattr(source, "extract_data", spy)
    code, out = run("review", "docs", "--reviewer", "乙", *cache, input="q\n")
    assert code == 0 and "县百货公司" in out, out  # the clause, with the lines around it
    assert read == ["采购.txt"]
