"""SARIF 2.1.0 and CSV output of scan."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fairreview import scan_paths
from fairreview.cli import main
from fairreview.legal import provisions
from fairreview.model import DocumentResult, Finding
from fairreview.pipeline import Engine
from fairreview.report.sarif import FINGERPRINT, render_sarif
from fairreview.review.apply import apply_review, register_document
from fairreview.review.baseline import record_baseline
from fairreview.review.fingerprint import sentence_fingerprint
from fairreview.review.store import Store

DIRTY = """某县关于扶持本地物流企业发展的若干规定

第一条 为促进本县物流业发展，制定本规定。
第二条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。
第三条 申请物流园区入驻补贴的企业须在本县注册并在本县纳税。
第四条 对年度纳税额超过200万元的物流企业，按其地方财政贡献的30%给予奖励。
第六条 本规定自发布之日起施行。
"""
CLEAN = "某县关于做好秋冬季森林防火工作的通知\n\n一、加强火源管控，严禁野外用火。\n二、落实值班值守制度。\n"


def make_docs(tmp_path: Path) -> Path:
    docs = tmp_path / "文件"
    docs.mkdir()
    (docs / "物流 规定.txt").write_text(DIRTY, encoding="utf-8")
    (docs / "防火.txt").write_text(CLEAN, encoding="utf-8")
    (docs / "坏.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)  # a broken Word file
    return docs


LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# the documents' URIs relative to the working folder, percent-encoded UTF-8 (RFC 3986), written out by hand
PERCENT_ENCODED = {
    "物流 规定.txt": "%E6%96%87%E4%BB%B6/%E7%89%A9%E6%B5%81%20%E8%A7%84%E5%AE%9A.txt",
    "防火.txt": "%E6%96%87%E4%BB%B6/%E9%98%B2%E7%81%AB.txt",
    "坏.docx": "%E6%96%87%E4%BB%B6/%E5%9D%8F.docx",
}
SEVERITY_NAMES = {"error": "明显违反", "warning": "疑似", "info": "提示"}


def expected_result(doc: DocumentResult, f: Finding, rule_ids: list[str]) -> dict[str, Any]:
    """The SARIF result of one finding of a document scanned from a relative path, no review database."""
    evidence = "、".join(f.evidence)
    before = Path(doc.path).read_text(encoding="utf-8")[: f.start]  # the .txt file is its extracted text
    line, column = before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]) + 1
    expected: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_ids.index(f.rule),
        "level": LEVELS[f.severity],
        "message": {"text": f"{f.location}：{f.title}。{f.message}" + (f"（命中：{evidence}）" if evidence else "")},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": PERCENT_ENCODED[Path(doc.path).name], "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": line, "startColumn": column, "charOffset": f.start,
                           "charLength": f.end - f.start, "snippet": {"text": f.text}},
            },
            "logicalLocations": [{"name": f.location, "fullyQualifiedName": f"{doc.title or doc.path}/{f.location}"}],
        }],
        "partialFingerprints": {FINGERPRINT: f"{f.rule}:{sentence_fingerprint(f.text)}"},
        "properties": {
            "severity_zh": SEVERITY_NAMES[f.severity],
            "clause": f.location,
            "provisions": list(f.provisions),
            "suggestion": f.suggestion,
            "document_verdict": doc.verdict,
        },
    }
    if f.note:
        expected["properties"]["note"] = f.note
    if f.precedent is not None:
        expected["properties"]["precedent"] = f.to_dict()["precedent"]
    return expected


def test_sarif_structure_rules_and_results(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    docs = make_docs(tmp_path)
    report = scan_paths([str(docs.relative_to(tmp_path))], engine=engine)
    log = json.loads(render_sarif(report, engine.lexicon))
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in engine.lexicon.rules]  # one entry per lexicon rule
    table = provisions()
    for r, rule in zip(rules, engine.lexicon.rules, strict=True):
        assert r["shortDescription"]["text"] == rule.title and r["fullDescription"]["text"] == rule.message
        assert rule.suggestion in r["help"]["text"]
        for pid in rule.provisions:  # the legal text itself is in the help
            if pid in table and table[pid].text:
                assert table[pid].quote in r["help"]["text"]
                assert table[pid].citation in r["help"]["markdown"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = run["results"]
    findings = [(d, f) for d in report.documents for f in d.findings]
    assert findings and len(results) == len(findings)
    # every result, in full, against what SARIF 2.1.0 and docs/formats.md say a finding becomes
    for res, (doc, f) in zip(results, findings, strict=True):
        assert res == expected_result(doc, f, [r["id"] for r in rules])
    assert run["columnKind"] == "unicodeCodePoints"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 1 and notes[0]["level"] == "error" and "无法读取" in notes[0]["message"]["text"]
    assert {a["properties"]["verdict"] for a in run["artifacts"]} >= {"retain", "error"}


def test_sarif_carries_decisions_and_baseline(engine: Engine, tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    report = scan_paths([str(docs)], engine=engine)
    store = Store.open(tmp_path / "r.db")
    record_baseline(report, store)
    dirty = next(d for d in report.documents if d.flagged)
    doc_id = register_document(store, dirty)
    f0 = dirty.flagged[0]
    store.decide(doc_id, f0.rule, sentence_fingerprint(f0.text), "dismissed", "王五", reason="引用上位法原文")
    report = scan_paths([str(docs)], engine=engine)
    apply_review(report, store)
    results = json.loads(render_sarif(report, engine.lexicon))["runs"][0]["results"]
    first = results[0]
    accepted = {"kind": "external", "status": "accepted", "justification": "引用上位法原文"}
    assert first["suppressions"] == [accepted]
    assert first["properties"]["review_status"] == "dismissed"
    assert {r["baselineState"] for r in results} == {"unchanged"}


def test_scan_format_sarif_and_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_docs(tmp_path)
    runner = CliRunner()
    res = runner.invoke(main, ["scan", "文件", "--format", "sarif"], catch_exceptions=False)
    assert res.exit_code == 1 and json.loads(res.stdout)["version"] == "2.1.0"
    res = runner.invoke(main, ["scan", "文件", "--format", "csv"], catch_exceptions=False)
    assert res.stdout.startswith("\ufeff")  # the BOM Excel needs to show Chinese
    rows = list(csv.DictReader(io.StringIO(res.stdout.removeprefix("\ufeff"))))
    assert list(rows[0])[:6] == ["文件路径", "文件名称", "文号", "建议结论", "最终结论", "无法读取的原因"]
    by_path: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_path.setdefault(Path(r["文件路径"]).name, []).append(r)
    assert set(by_path) == {"物流 规定.txt", "防火.txt", "坏.docx"}  # every document appears
    assert by_path["防火.txt"][0]["建议结论"] == "保留" and by_path["防火.txt"][0]["规则"] == ""
    assert by_path["坏.docx"][0]["无法读取的原因"] and by_path["坏.docx"][0]["建议结论"] == "无法读取"
    dirty = by_path["物流 规定.txt"]
    assert all(r["规则"] and r["位置"] and r["依据"] and r["级别"] in ("明显违反", "疑似", "提示") for r in dirty)
    assert int(dirty[0]["结束字符"]) > int(dirty[0]["起始字符"])
