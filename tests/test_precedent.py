"""Precedents: the most similar published case next to a finding — display only, cheap, honest.

The bundled library (fairreview/data/precedents.jsonl) is read from the package; no case text is copied here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fairreview import precedent
from fairreview.cli import main
from fairreview.legal import DATA
from fairreview.model import DocumentResult
from fairreview.pipeline import Engine
from fairreview.precedent import THRESHOLD, Precedent, attach, bigrams, library, nearest, normalise

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "policies"


def _scan_all(engine: Engine, texts: list[str | Path]) -> list[DocumentResult]:
    """Strings as text, paths through the readers (the examples include GBK files)."""
    return [engine.scan_bytes(t.read_bytes(), t.name) if isinstance(t, Path)
            else engine.analyse_text(t, DocumentResult(path=f"<{i}>")).result for i, t in enumerate(texts)]


def _without_precedent(doc: DocumentResult) -> list[dict]:
    return [{k: v for k, v in f.to_dict().items() if k != "precedent"} for f in doc.findings]


def test_library_rows_are_complete_and_sourced() -> None:
    lib = library()
    assert len(lib) >= 50
    assert len({p.id for p in lib}) == len(lib)
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert "precedents.jsonl" in sources
    for p in lib:
        assert p.text.strip() and p.source.startswith(("repo:", "http")) and p.document, p.id
        assert p.confidence in ("high", "medium"), p.id
        assert all(i.startswith("FCR-") for i in p.fcr_equivalent), p.id


def test_a_published_clause_finds_itself_with_full_score() -> None:
    """A clause (nearly) identical to a published case is shown with score ~100 — that is the case itself."""
    for p in library():
        if len(normalise(p.text)) < precedent.MIN_CHARS:
            continue
        hit = nearest(p.text, p.fcr_equivalent)
        assert hit is not None, p.id
        best, score = hit
        assert score == pytest.approx(100.0), p.id
        # itself, or another published clause containing every bigram of it (the same wording)
        own = set(bigrams(normalise(p.text)).split())
        assert best.id == p.id or own <= set(best.key.split()), p.id


def test_precedents_never_change_findings_or_verdicts(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same documents with and without the library: identical findings (bar the precedent) and verdicts.
    The published clauses themselves are the documents most likely to get a precedent."""
    texts: list[str | Path] = [p.text for p in library()]
    texts += sorted(EXAMPLES.iterdir()) + sorted(FIXTURES.glob("*.txt"))
    with_lib = _scan_all(engine, texts)
    assert any(f.precedent is not None for d in with_lib for f in d.findings), "no finding got a precedent"
    monkeypatch.setattr(precedent, "library", lambda: ())
    without = _scan_all(engine, texts)
    assert not any(f.precedent is not None for d in without for f in d.findings)
    for a, b in zip(with_lib, without, strict=True):
        assert _without_precedent(a) == _without_precedent(b)
        assert (a.verdict, a.reasons) == (b.verdict, b.reasons)


def test_only_flagged_findings_get_a_precedent_above_the_threshold(engine: Engine) -> None:
    docs = _scan_all(engine, [p.text for p in library()])
    ids = {p.id for p in library()}
    seen = 0
    for d in docs:
        for f in d.findings:
            prec = f.precedent
            if prec is None:
                continue
            seen += 1
            assert f.flags(), "an info finding got a precedent"
            assert prec.score >= THRESHOLD and prec.id in ids
            flat = f.to_dict()["precedent"]  # the JSON key is "precedent"
            assert {"id", "text", "document", "source", "score"} <= set(flat)
    assert seen


def test_short_sentences_get_no_precedent() -> None:
    assert nearest("统一定价。") is None


def test_unrelated_text_gets_no_precedent() -> None:
    assert nearest("第一条 为加强城区环境卫生管理，改善人居环境，根据有关法律法规，结合本县实际。") is None


def _fake(pid: str, text: str, items: tuple[str, ...]) -> Precedent:
    return Precedent(pid, text, "文件", "机关", "repo:x", (), items, "", "high", bigrams(normalise(text)))


def _nearest_id(text: str, provision_ids: list[str]) -> str | None:
    hit = nearest(text, provision_ids)
    return hit[0].id if hit else None


def test_same_article_is_preferred_among_equally_similar_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "对将注册地迁入本区的企业按其地方财政贡献给予奖励并连续扶持三年"
    lib = (_fake("A", text, ("FCR-8-4",)), _fake("B", text, ("FCR-10-2",)))
    monkeypatch.setattr(precedent, "library", lambda: lib)
    assert _nearest_id(text, ["FCR-10-2", "FCRIM-19-4"]) == "B"
    assert _nearest_id(text, ["FCR-8-4"]) == "A"
    assert _nearest_id(text, ["FCRIM-12-2"]) == "A"  # 实施办法 item → the 条例 item it elaborates
    assert _nearest_id(text, []) == "A"  # no preference: the first, deterministically


def test_a_much_closer_case_beats_the_same_article(monkeypatch: pytest.MonkeyPatch) -> None:
    query = "对将注册地迁入本区的企业按其地方财政贡献给予奖励并连续扶持三年"
    lib = (
        _fake("SAME", "对新引进企业按照其缴纳税收地方留成部分给予奖励扶持", ("FCR-10-2",)),
        _fake("CLOSE", query, ("FCR-8-4",)),
    )
    monkeypatch.setattr(precedent, "library", lambda: lib)
    assert _nearest_id(query, ["FCR-10-2"]) == "CLOSE"


def test_library_is_loaded_only_when_a_document_has_findings(engine: Engine) -> None:
    library.cache_clear()
    text = "第一条 为规范城区环境卫生管理，制定本办法。"
    doc = engine.analyse_text(text, DocumentResult(path="<clean>")).result
    assert not doc.findings
    assert library.cache_info().currsize == 0
    attach([])
    assert library.cache_info().currsize == 0


def test_show_prints_every_finding_with_law_fix_and_precedent() -> None:
    path = EXAMPLES / "云溪县促进工业经济高质量发展若干政策措施.txt"
    result = CliRunner().invoke(main, ["show", str(path), "--as-of", "2026-11-27"])
    assert result.exit_code == 1, result.output
    out = result.stdout
    as_json = CliRunner().invoke(main, ["show", str(path), "--format", "json", "--as-of", "2026-11-27"])
    data = json.loads(as_json.stdout)
    assert data["findings"]
    for n, f in enumerate(data["findings"], 1):
        assert f"[{n}] {f['location']} · {f['rule']} {f['title']}" in out
    from fairreview.legal import provisions

    first = data["findings"][0]
    assert provisions()[first["provisions"][0]].citation in out
    assert "建议：" in out and "原文：" in out and "条款：" in out
    with_prec = [f for f in data["findings"] if f.get("precedent")]
    for f in with_prec:  # the source by a name a reader knows, never the package data's internal string
        assert f["precedent"]["id"] in out and "案例来源：" in out
        assert f["precedent"]["source"] not in out and "repo:" not in out and "#" not in out


def test_show_on_a_clean_document_exits_0(tmp_path: Path) -> None:
    doc = tmp_path / "clean.txt"
    doc.write_text("关于做好城区环境卫生工作的通知\n\n一、各街道要加强日常保洁。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["show", str(doc)])
    assert result.exit_code == 0, result.output
    assert "结论：保留" in result.stdout


def test_scan_details_lists_findings_of_flagged_documents() -> None:
    result = CliRunner().invoke(main, ["scan", str(EXAMPLES), "--details", "--as-of", "2026-11-27"])
    assert result.exit_code == 1, result.output
    assert "建议：" in result.stdout and "依据：" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("共排查")
