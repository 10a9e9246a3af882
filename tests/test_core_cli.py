"""The command line: exit codes like ruff, the JSON contract, per-file errors that never stop a scan."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from fairreview.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CLEAN = "第一条 为了规范管理，制定本办法。\n第二条 各部门应当依法履行职责。\n"
DIRTY = "第一条 为了规范管理，制定本办法。\n第二条 政府采购项目，投标人在本县设有分公司的得5分。\n"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    """Exit code and standard output; for a failed run (exit 2) the error on stderr."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stderr if result.exit_code == 2 else result.stdout


def test_exit_0_when_clean(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(CLEAN, encoding="utf-8")
    code, out = run("scan", str(tmp_path))
    assert code == 0
    assert "共排查 1 件：保留 1 件" in out


def test_exit_1_with_findings_and_table_columns(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    code, out = run("scan", str(tmp_path))
    assert code == 1
    for col in ("文件", "位置", "规则", "依据", "条款摘录", "结论"):
        assert col in out
    assert "【" in out and "修改" in out


def test_exit_2_for_missing_path(tmp_path: Path) -> None:
    code, out = run("scan", str(tmp_path / "nope"))
    assert code == 2
    assert "路径不存在" in out


def test_exit_2_for_broken_lexicon(tmp_path: Path) -> None:
    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "bad.yaml").write_text("family: X\nrules:\n  - code: XX001\n    name: x\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(CLEAN, encoding="utf-8")
    code, out = run("scan", str(tmp_path / "a.txt"), "--lexicon", str(lex))
    assert code == 2
    assert "bad.yaml" in out and "XX001" in out and "title" in out


def test_json_contract(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01binary")
    code, out = run("scan", str(tmp_path), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert {"fairreview", "lexicon_version", "segmenter", "documents", "summary"} <= set(data)
    docs = {Path(d["path"]).name: d for d in data["documents"]}
    a, b = docs["a.txt"], docs["b.txt"]
    for d in (a, b):
        assert {"path", "title", "encoding", "verdict", "reasons", "error", "findings"} <= set(d)
    assert a["verdict"] == "amend" and a["encoding"] == "utf-8"
    f = a["findings"][0]
    assert {"rule", "name", "provisions", "severity", "location", "start", "end", "text", "evidence",
            "message", "suggestion"} <= set(f)
    assert f["text"] == DIRTY[f["start"] : f["end"]]
    assert f["location"] == "第二条"
    assert any(p.startswith("FCR-9") for p in f["provisions"])
    assert b["verdict"] == "error" and b["error"]
    summary = data["summary"]
    assert {k: summary[k] for k in ("documents", "retain", "amend", "repeal", "expired", "error")} == {
        "documents": 2, "retain": 0, "amend": 1, "repeal": 0, "expired": 0, "error": 1}
    # added keys (docs/json.md): the breakdown by kind of reason
    assert summary["competition"] == 1 and summary["amend_legality"] == 0 and summary["expired_restrictive"] == 0
    assert a["assessment"]["grounds"] == "competition" and a["assessment"]["label"].startswith("修改")
    assert b["assessment"]["grounds"] == "unreadable"


def test_jsonl_has_one_line_per_document_and_a_summary(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(CLEAN, encoding="utf-8")
    _, out = run("scan", str(tmp_path), "--format", "jsonl")
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["type"] for r in rows] == ["document", "document", "summary"]


def test_input_folder_is_not_written(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    run("scan", str(tmp_path), "--format", "json")
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_examples_exercise_every_conclusion() -> None:
    code, out = run("scan", str(EXAMPLES), "--format", "json", "--as-of", "2026-11-27")
    assert code == 1
    verdicts = {d["verdict"] for d in json.loads(out)["documents"]}
    assert {"retain", "amend", "repeal"} <= verdicts


def test_python_m_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "fairreview", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "fairreview" in proc.stdout
