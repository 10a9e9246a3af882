"""Decisions applied by later scans: 已复核 findings leave the verdict, exceptions expire, final verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fairreview.cli import main

DOC = """某县关于扶持本地物流企业发展的若干规定

第一条 为促进本县物流业发展，结合本县实际，制定本规定。
第二条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。
第三条 申请物流园区入驻补贴的企业须在本县注册并在本县纳税。
第四条 对年度纳税额超过200万元的物流企业，按其地方财政贡献的30%给予奖励。
第五条 物流企业应当依法经营，保障寄递安全。
第六条 本规定自发布之日起施行。
"""
NEW_CLAUSE = "第七条 县直各单位新建办公楼一律使用本县生产的建材产品。\n"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (an empty fairreview.toml) with one document; its database goes to ./.fairreview/."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fairreview.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("FAIRREVIEW_REVIEWER", "测试员")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "物流.txt").write_text(DOC, encoding="utf-8")
    return tmp_path


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    """Exit code and standard output; for a failed run (exit 2) the error on stderr. (Every command also
    names its configuration and database on stderr.)"""
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stderr if result.exit_code == 2 else result.stdout


def scan_json(*extra: str) -> tuple[int, dict]:
    code, out = run("scan", "docs", "--format", "json", *extra)
    return code, json.loads(out)


def flagged(report: dict) -> list[dict]:
    return [f for d in report["documents"] for f in d["findings"] if f["severity"] in ("error", "warning")]


def test_dismissing_every_finding_makes_the_document_retain(work: Path) -> None:
    code, before = scan_json()
    n = len(flagged(before))
    assert code == 1 and n >= 2 and before["documents"][0]["verdict"] in ("amend", "repeal")
    assert not (work / ".fairreview").exists()  # scanning alone creates no database
    stat = (work / "docs" / "物流.txt").stat()

    code, out = run("review", "docs", input="f\n模板条款\n" * n + "\n")
    assert code == 0, out
    assert "已记录：误报" in out and (work / ".fairreview" / "review.db").is_file()

    code, after = scan_json()
    doc = after["documents"][0]
    assert code == 0  # nothing left that needs attention
    assert doc["verdict"] == "retain" and doc["scan_verdict"] == before["documents"][0]["verdict"]
    assert all(f["review_status"] == "dismissed" for f in flagged(after))
    assert all(f["decision"]["reason"] == "模板条款" for f in flagged(after))
    assert all(f["decision"]["reviewer"] == "测试员" for f in flagged(after))
    code, table = run("scan", "docs")
    assert "〔已复核：误报〕" in table and "保留 1 件" in table
    # the scanned document is never written to
    assert (work / "docs" / "物流.txt").stat().st_mtime_ns == stat.st_mtime_ns
    code, ignored = scan_json("--no-decisions")
    assert code == 1 and "decision" not in json.dumps(ignored, ensure_ascii=False)


def test_exception_holds_until_its_deadline(work: Path) -> None:
    _, before = scan_json()
    n = len(flagged(before))
    answers = "e\n为应对突发事件保障物资供应\n2027-06-30\n" + "f\n\n" * (n - 1) + "\n"
    code, out = run("review", "docs", "--as-of", "2026-01-01", input=answers)
    assert code == 0, out
    code, within = scan_json("--as-of", "2027-06-30")
    first = flagged(within)[0]
    assert first["review_status"] == "exception" and first["decision"]["deadline"] == "2027-06-30"
    assert code == 0 and within["documents"][0]["verdict"] == "retain"
    code, table = run("scan", "docs", "--as-of", "2027-06-30")
    assert "〔适用例外〕" in table and "至 2027-06-30" in table
    code, after = scan_json("--as-of", "2027-07-01")
    first = flagged(after)[0]
    assert first["review_status"] == "exception_expired"
    assert code == 1 and after["documents"][0]["verdict"] in ("amend", "repeal")
    _, table = run("scan", "docs", "--as-of", "2027-07-01")
    assert "〔例外已到期〕" in table


def test_exception_prompts_until_reason_and_valid_deadline(work: Path) -> None:
    answers = "e\n\n确需保留\n明年\n2020-01-01\n2030-12-31\nq\n"
    code, out = run("review", "docs", "--as-of", "2026-01-01", input=answers)
    assert code == 0
    assert "不能为空" in out and "日期格式" in out and "早于审查基准日" in out and "已记录：适用例外" in out


def test_decide_keeps_recommendation_and_final_verdict(work: Path) -> None:
    code, out = run(
        "decide",
        "docs/物流.txt",
        "--conclusion",
        "废止",
        "--reason",
        "主要内容限制竞争",
        "--reviewer",
        "李四",
    )
    assert code == 0 and "最终结论 废止" in out
    _, report = scan_json()
    doc = report["documents"][0]
    final = doc["final_verdict"]
    assert final["verdict"] == "repeal" and final["reviewer"] == "李四"
    assert final["reason"] == "主要内容限制竞争"
    assert final["recommended"] == doc["verdict"] and final["needs_review"] is False
    _, table = run("scan", "docs")
    assert "最终：废止" in table and "其中 1 件已由复核人确定最终结论：废止 1 件" in table
    # a violating clause added after the decision is flagged as not yet seen by the reviewer
    with open(work / "docs" / "物流.txt", "a", encoding="utf-8") as fh:
        fh.write(NEW_CLAUSE)
    _, report = scan_json()
    final = report["documents"][0]["final_verdict"]
    assert final["verdict"] == "repeal" and final["needs_review"] is True and final["unreviewed_findings"]
    code, out = run("decide", "docs/物流.txt", "--conclusion", "作废", "--reason", "x")
    assert code == 2 and "保留、修改、废止 或 失效" in out


def test_explicit_db_and_config_db(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run("scan", "docs", "--db", "missing.db")
    assert code == 2 and "复核数据库不存在" in out
    config = 'db = "records/decisions.db"\nreviewer = "配置中的人"\n'
    (work / "fairreview.toml").write_text(config, encoding="utf-8")
    monkeypatch.delenv("FAIRREVIEW_REVIEWER")
    code, out = run("review", "docs", input="c\nq\n")
    assert code == 0 and "复核人：配置中的人" in out
    assert (work / "records" / "decisions.db").is_file() and not (work / ".fairreview").exists()
    _, report = scan_json()
    assert flagged(report)[0]["review_status"] == "confirmed"


def test_baseline_shows_only_new_findings_and_prunes(work: Path) -> None:
    code, out = run("baseline", "docs")
    assert code == 0 and "新增" in out and "清除已不存在的 0 处" in out
    code, table = run("scan", "docs")
    assert code == 0 and "未发现需要修改的条款" in table and "已记入基线" in table
    _, report = scan_json()
    assert {f["baseline"] for f in flagged(report)} == {"unchanged"}

    with open(work / "docs" / "物流.txt", "a", encoding="utf-8") as fh:
        fh.write(NEW_CLAUSE)
    code, report = scan_json()
    new = [f for f in flagged(report) if f["baseline"] == "new"]
    assert code == 1 and new and all("建材" in f["text"] for f in new)
    code, table = run("scan", "docs")
    assert "建材" in table and "快递业务" not in table
    code, table = run("scan", "docs", "--no-baseline")
    assert "建材" in table and "快递业务" in table

    # the clause with the county courier is repealed: its baseline entry is pruned and counted
    text = (work / "docs" / "物流.txt").read_text(encoding="utf-8")
    (work / "docs" / "物流.txt").write_text(
        text.replace("全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。", "（删除）"),
        encoding="utf-8",
    )
    code, out = run("baseline", "docs")
    assert code == 0 and "清除已不存在的 0 处" not in out and "清除已不存在的" in out
