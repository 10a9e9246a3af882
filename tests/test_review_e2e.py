"""End to end on a pseudo-terminal: review the examples, kill -9 mid-session, restart, scan, ledger.

The review runs as a real process on a pty (as over SSH); every answer must be in the database the moment
the next clause is shown, so SIGKILL loses only the answer that was being typed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook

from fairreview.review.ledger import DOC_HEADERS, FINDING_HEADERS
from fairreview.review.store import Store

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = "2026-11-27"
PROMPT = "[q]退出 > "
DOC_END = "设定本文件最终结论？"

# Used only when examples/ has too few findings (it is written by hand and may change).
FALLBACK = {
    "物流.txt": "某县关于扶持本地物流企业发展的若干规定\n\n第一条 为促进本县物流业发展，制定本规定。\n"
    "第二条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。\n"
    "第三条 申请物流园区入驻补贴的企业须在本县注册并在本县纳税。\n"
    "第四条 对年度纳税额超过200万元的物流企业，按其地方财政贡献的30%给予奖励。\n"
    "第五条 物流企业应当依法经营，保障寄递安全。\n第六条 本规定自发布之日起施行。\n",
    "评优.txt": "各乡镇人民政府、县直各部门：\n一、参加县级评优的企业必须在本县注册登记。\n"
    "二、对上年度纳税额超过100万元的企业，按其地方财政贡献给予奖励。\n"
    "三、各单位应加强资产管理，建立资产台账，定期开展清查。\n四、以上事项请认真贯彻执行。\n",
}


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("FAIRREVIEW")}
    e.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    return e


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fairreview", *args],
        cwd=cwd, env=env(), capture_output=True, text=True, encoding="utf-8", timeout=300,
    )


def scan_json(cwd: Path, *extra: str) -> dict[str, Any]:
    proc = cli(cwd, "scan", "docs", "--format", "json", "--as-of", AS_OF, *extra)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def flagged(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (d["path"], f)
        for d in report["documents"] if not d["error"]
        for f in d["findings"] if f["severity"] in ("error", "warning")
    ]


def spawn(cwd: Path) -> Any:
    child = pexpect.spawn(
        sys.executable, ["-m", "fairreview", "review", "docs", "--reviewer", "张三", "--as-of", AS_OF],
        cwd=str(cwd), env=env(), encoding="utf-8", timeout=120, dimensions=(50, 120),
    )
    return child


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "fairreview.toml").write_text("", encoding="utf-8")  # a project: its database in .fairreview/
    docs = tmp_path / "docs"
    if EXAMPLES.is_dir() and any(EXAMPLES.iterdir()):
        shutil.copytree(EXAMPLES, docs)
    else:
        docs.mkdir()
    if len(flagged(scan_json(tmp_path, "--no-decisions"))) < 6:
        for name, text in FALLBACK.items():
            (docs / name).write_text(text, encoding="utf-8")
    return tmp_path


Items = list[tuple[str, dict[str, Any]]]


def last_of_document(items: Items) -> set[int]:
    """The end-of-document step follows the last flagged clause of each document."""
    return {i for i, (path, _) in enumerate(items) if i + 1 == len(items) or items[i + 1][0] != path}


class Terminal:
    """A review session on a pty, and the answers of this test."""

    def __init__(self, workdir: Path, items: Items) -> None:
        self.child = spawn(workdir)
        self.last_of_doc = last_of_document(items)

    def at(self, *texts: str) -> None:
        for text in texts:
            self.child.expect_exact(text)

    def answer(self, line: str, *then: str) -> None:
        self.child.sendline(line)
        self.at(*then)

    def doc_end(self, i: int, reply: str = "") -> None:
        if i in self.last_of_doc:
            self.at(DOC_END)
            self.answer(reply)
            if reply:
                self.at("最终结论的理由：")
                self.answer("问题条款构成文件主要内容", "已记录最终结论")


def first_session(workdir: Path, items: Items) -> None:
    """Decide clauses 1–4, then be killed while the exception of clause 5 is half entered."""
    t = Terminal(workdir, items)
    total = len(items)
    t.at(f"[1/{total}]", PROMPT)
    t.answer("c", "已记录：确认违规")  # 1: 确认违规
    t.doc_end(0, "3" if 0 in t.last_of_doc else "")
    t.at(f"[2/{total}]", PROMPT)
    t.answer("f", "误报理由")  # 2: 误报, with a reason
    t.answer("引述上级文件原文，非本文件设定的措施", "已记录：误报")
    t.doc_end(1)
    t.at(f"[3/{total}]", PROMPT)
    t.answer("e", "适用例外的理由")  # 3: 适用例外, reason and time limit required
    t.answer("为应对突发公共卫生事件保障物资供应（条例第十二条）", "实施期限")
    t.answer("2027-06-30", "已记录：适用例外")
    t.doc_end(2)
    t.at(f"[4/{total}]", PROMPT)
    t.answer("n", "备注：")  # 4: a note, then skipped (stays open)
    t.answer("请法制科对照原件再核", "已记录备注", PROMPT)
    t.answer("s")
    t.doc_end(3)
    t.at(f"[5/{total}]", PROMPT)
    t.answer("e", "适用例外的理由")  # 5: killed while the exception is half entered: nothing may be recorded
    t.answer("未完成的例外", "实施期限")
    t.child.kill(signal.SIGKILL)
    t.child.wait()
    assert t.child.signalstatus == signal.SIGKILL


def second_session(workdir: Path, items: Items) -> None:
    """The skipped clause (4) and the interrupted one (5) are open; 1–3 are not asked again."""
    t = Terminal(workdir, items)
    total = len(items) - 3
    t.at(f"[1/{total}]", items[3][1]["location"], "请法制科对照原件再核", PROMPT)  # the note is shown
    t.answer("b", "已是第一条")
    t.answer("c", "已记录：确认违规")  # 4: confirmed …
    t.doc_end(3)
    t.at(f"[2/{total}]", PROMPT)
    t.answer("b", f"[1/{total}]", "当前复核：确认违规", PROMPT)  # … then back to it and dismissed
    t.answer("f", "误报理由")
    t.answer("", "已记录：误报")
    t.doc_end(3)
    t.at(f"[2/{total}]", PROMPT)
    t.answer("d", "最终结论：1 保留")  # the final conclusion of item 5's document, set from inside the clause
    t.answer("2", "最终结论的理由：")
    t.answer("删除问题条款后继续执行", "已记录最终结论：修改", PROMPT)
    t.answer("q", "已退出")
    t.child.expect(pexpect.EOF)
    t.child.close()
    assert t.child.exitstatus == 0


def check_copy_alone(workdir: Path) -> None:
    """A copy of review.db alone, as a clerk copies it to a USB stick, holds every answer given before the
    kill."""
    alone = workdir / "usb" / "review.db"
    alone.parent.mkdir()
    shutil.copy(workdir / ".fairreview" / "review.db", alone)
    with Store.open(alone, create=False) as copy:
        assert [d.kind for d in copy.all_decisions()] == ["confirmed", "dismissed", "exception"]
        assert copy.all_decisions()[1].reason == "引述上级文件原文，非本文件设定的措施"
        noted = copy.conn.execute("SELECT text FROM notes").fetchall()
        assert [n[0] for n in noted] == ["请法制科对照原件再核"]


def check_scan(workdir: Path, items: Items, after: dict[str, Any], last_of_doc: set[int]) -> None:
    """Every decision is applied by scan."""
    got = flagged(after)
    assert [(p, f["rule"], f["start"]) for p, f in got] == [(p, f["rule"], f["start"]) for p, f in items]
    status = [f.get("review_status") for _, f in got]
    assert status[0] == "confirmed"
    assert status[1] == "dismissed"
    assert got[1][1]["decision"]["reason"] == "引述上级文件原文，非本文件设定的措施"
    assert status[2] == "exception" and got[2][1]["decision"]["deadline"] == "2027-06-30"
    assert status[3] == "dismissed" and got[3][1]["review_notes"][0]["text"] == "请法制科对照原件再核"
    assert status[4] is None and "decision" not in got[4][1]  # the half-typed exception was never stored
    assert all(f["decision"]["reviewer"] == "张三" for _, f in got[:4])
    docs = {d["path"]: d for d in after["documents"]}
    final5 = docs[items[4][0]]["final_verdict"]
    assert final5["verdict"] == "amend" and final5["reason"] == "删除问题条款后继续执行"
    if 0 in last_of_doc:
        assert docs[items[0][0]]["final_verdict"]["verdict"] == "repeal"
    table = cli(workdir, "scan", "docs", "--as-of", AS_OF).stdout
    for label in ("〔已确认违规〕", "〔已复核：误报〕", "〔适用例外〕", "最终：修改"):
        assert label in table, label


def check_history(workdir: Path, items: Items) -> None:
    """The history of clause 4: confirmed, then superseded by dismissed."""
    with Store.open(workdir / ".fairreview" / "review.db", create=False) as store:
        f4 = items[3][1]
        rows = [d for d in store.all_decisions() if d.sentence == f4["text"] and d.rule == f4["rule"]]
        assert [d.kind for d in rows] == ["confirmed", "dismissed"] and rows[1].supersedes == rows[0].id


def check_ledger(workdir: Path, items: Items, after: dict[str, Any]) -> None:
    proc = cli(workdir, "ledger", "docs", "-o", "台账.xlsx", "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(workdir / "台账.xlsx")
    ws1, ws2 = wb["文件台账"], wb["问题条款"]
    assert str(ws1["A1"].value).startswith(f"共排查 {len(after['documents'])} 件：保留")
    assert [c.value for c in ws1[2]] == DOC_HEADERS
    by_name = {r[1]: r for r in ws1.iter_rows(min_row=3, values_only=True)}
    doc5 = {d["path"]: d for d in after["documents"]}[items[4][0]]
    row5 = dict(zip(DOC_HEADERS, by_name[doc5["title"] or Path(doc5["path"]).name], strict=True))
    assert row5["最终结论"] == "修改" and row5["理由"] == "删除问题条款后继续执行" and row5["复核人"] == "张三"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row5["复核时间"])  # local time, readable
    assert row5["建议结论"] == doc5["verdict_zh"] and row5["文件路径"] == doc5["path"]
    assert [c.value for c in ws2[1]] == FINDING_HEADERS
    decided = {(r[2], r[4], r[7]): r for r in ws2.iter_rows(min_row=2, values_only=True)}
    assert len(decided) >= 1 and ws2.max_row - 1 == len(items)

    def row_of(i: int) -> tuple[Any, ...]:
        path, f = items[i]
        return decided[(path, f["rule"], " ".join(f["text"].split()))]

    assert row_of(0)[11] == "确认违规" and row_of(0)[15] == "张三"
    assert row_of(1)[11] == "误报"
    assert row_of(1)[12] == "引述上级文件原文，非本文件设定的措施"
    assert row_of(2)[11] == "适用例外" and row_of(2)[13] == "2027-06-30"
    assert row_of(3)[11] == "误报" and "请法制科对照原件再核" in row_of(3)[14]
    assert row_of(4)[11] == "待复核"


def check_resaved_as_docx(workdir: Path, items: Items) -> None:
    """Re-saving the first reviewed document as .docx (same text) keeps its decisions."""
    src = Path(items[0][0])
    src = src if src.is_absolute() else workdir / src
    if src.suffix != ".txt":
        return
    text = src.read_text(encoding="utf-8")
    d = docx.Document()
    for line in text.split("\n"):
        d.add_paragraph(line)
    d.save(str(src.with_suffix(".docx")))
    src.unlink()
    again = {(f["rule"], f["text"]): f for p, f in flagged(scan_json(workdir)) if p.endswith(".docx")}
    assert again[(items[0][1]["rule"], items[0][1]["text"])]["review_status"] == "confirmed"


def test_review_in_a_terminal_survives_sigkill_and_feeds_scan_and_ledger(workdir: Path) -> None:
    items = flagged(scan_json(workdir, "--no-decisions"))
    assert len(items) >= 6, "the review needs at least six flagged clauses"
    first_session(workdir, items)
    check_copy_alone(workdir)
    second_session(workdir, items)
    after = scan_json(workdir)
    check_scan(workdir, items, after, last_of_document(items))
    check_history(workdir, items)
    check_ledger(workdir, items, after)
    # the exception turns into a finding again once its time limit has passed
    late = flagged(scan_json(workdir, "--as-of", "2027-07-01"))
    assert late[2][1]["review_status"] == "exception_expired"
    check_resaved_as_docx(workdir, items)
