"""Decisions follow the document, not the file: re-export to .docx, moves and edits elsewhere keep them."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from fairreview import scan_paths
from fairreview.pipeline import Engine
from fairreview.review.apply import apply_review, register_document
from fairreview.review.fingerprint import (
    compact,
    sentence_fingerprint,
    sentence_text,
    similarity,
    sketch,
    title_key,
)
from fairreview.review.store import Store

TITLED = """某县关于扶持本地物流企业发展的若干规定

第一条 为促进本县物流业发展，结合本县实际，制定本规定。
第二条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。
第三条 申请物流园区入驻补贴的企业须在本县注册并在本县纳税。
第四条 对年度纳税额超过200万元的物流企业，按其地方财政贡献的30%给予奖励。
第五条 物流企业应当依法经营，保障寄递安全。
第六条 本规定自发布之日起施行。
"""

UNTITLED = """各乡镇人民政府、县直各部门：
一、参加县级评优的企业必须在本县注册登记。
二、对上年度纳税额超过100万元的企业，按其地方财政贡献给予奖励。
三、各单位应加强资产管理，建立资产台账，定期开展清查。
四、各单位应当按规定做好档案归档工作，确保资料完整。
五、各单位要加强安全生产管理，落实安全责任。
六、以上事项请认真贯彻执行。
"""


def write_docx(path: Path, text: str) -> None:
    d = docx.Document()
    for line in text.split("\n"):
        d.add_paragraph(line)
    d.save(str(path))


def test_sentence_fingerprint_ignores_layout_width_and_heading_number() -> None:
    a = "第二条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。"
    renumbered = "第 九 条　全县机关事业单位的快递业务\n统一交由县邮政快递服务公司承办。"
    assert sentence_fingerprint(a) == sentence_fingerprint(renumbered)
    as_item = "（三）全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。"
    assert sentence_fingerprint(a) == sentence_fingerprint(as_item)
    assert sentence_fingerprint(a) != sentence_fingerprint(a.replace("县邮政", "市邮政"))
    assert sentence_text("（一）对企业给予奖励，ABC") == "对企业给予奖励,ABC"  # NFKC folds full-width
    assert sentence_text("第三条") == "第三条"  # a bare heading is kept, not emptied


def test_title_key_and_sketch() -> None:
    assert title_key("关于 印发的通知", None) == title_key("关于印发的通知", "")
    assert title_key("关于印发的通知", "云政发〔2024〕1号") != title_key("关于印发的通知", None)
    assert title_key(None, "x") is None
    assert compact(" a\tb\nc ") == "abc"
    s1, s2 = sketch(TITLED), sketch(TITLED.replace("\n", "\n\n"))
    assert similarity(s1, s2) == 1.0
    edited = TITLED.replace("保障寄递安全", "保障寄递安全，接受行业主管部门监督检查")
    assert 0.5 < similarity(s1, sketch(edited)) < 1.0
    assert similarity(s1, sketch(UNTITLED)) < 0.1
    assert similarity([], s1) == 0.0


def decide_everything(engine: Engine, folder: Path, store: Store) -> dict[tuple[str, str], str]:
    """Dismiss every flagged finding of every document in ``folder``; return {(rule, fp): kind}."""
    report = scan_paths([str(folder)], engine=engine)
    out = {}
    for doc in report.documents:
        doc_id = register_document(store, doc)
        for f in doc.flagged:
            store.decide(doc_id, f.rule, sentence_fingerprint(f.text), "dismissed", "测试员", reason="测试")
            out[(f.rule, sentence_fingerprint(f.text))] = "dismissed"
    assert out, "the test documents must have findings"
    return out


def statuses(engine: Engine, folder: Path, store: Store) -> list[tuple[str, str | None, str | None]]:
    """(rule, sentence fingerprint, review status) of every flagged finding after decisions are applied."""
    report = scan_paths([str(folder)], engine=engine)
    apply_review(report, store)
    return [
        (f.rule, f.review.fingerprint, f.review.status)
        for d in report.documents
        for f in d.flagged
    ]


@pytest.mark.parametrize("text", [TITLED, UNTITLED], ids=["titled", "untitled"])
def test_decisions_survive_docx_resave_move_and_other_edits(engine: Engine, tmp_path: Path, text: str) -> None:
    src = tmp_path / "round1"
    src.mkdir()
    (src / "doc.txt").write_text(text, encoding="utf-8")
    store = Store.open(tmp_path / "review.db")
    decided = decide_everything(engine, src, store)
    assert all(s == "dismissed" for _, _, s in statuses(engine, src, store))

    # (a) re-saved as .docx with the same text, (c) in another folder under another name
    moved = tmp_path / "elsewhere" / "deeper"
    moved.mkdir(parents=True)
    write_docx(moved / "重新导出.docx", text)
    got = statuses(engine, moved, store)
    assert got and all(s == "dismissed" for _, _, s in got), got

    # (b) another clause edited (and a new one added): the decided clauses keep their decisions
    edited = (
        text.replace("确保资料完整", "确保资料完整、真实、可追溯").replace(
            "保障寄递安全", "保障寄递安全，接受行业主管部门的监督检查"
        )
        + "七、县直各单位新建办公楼一律使用本县生产的建材产品。\n"
    )
    (src / "doc.txt").write_text(edited, encoding="utf-8")
    got = statuses(engine, src, store)
    found = {(r, fp): s for r, fp, s in got}
    assert all(found.get(key) == "dismissed" for key in decided), (decided, found)
    assert any(key not in decided and s is None for key, s in found.items())  # the new clause is open
    assert store.document_count() == 1  # never taken for a new document


def test_a_different_document_does_not_inherit_decisions(engine: Engine, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "doc.txt").write_text(TITLED, encoding="utf-8")
    store = Store.open(tmp_path / "review.db")
    decide_everything(engine, a, store)
    # the same offending sentence inside an unrelated document with another title
    other = "某市关于推进快递进村的实施方案\n\n" + "\n".join(
        [
            "一、总体目标",
            "力争到年底实现快递服务行政村全覆盖，群众寄递更加便利。",
            "二、主要任务",
            "全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。",
            "三、保障措施",
            "各乡镇要明确专人负责，加强督促检查，确保各项任务落到实处。",
        ]
    )
    (b / "doc.txt").write_text(other, encoding="utf-8")
    got = statuses(engine, b, store)
    assert got, "the unrelated document must have the finding too"
    assert all(s is None for _, _, s in got)


def test_same_title_but_unrelated_text_is_another_document(engine: Engine, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "doc.txt").write_text(TITLED, encoding="utf-8")
    store = Store.open(tmp_path / "review.db")
    decide_everything(engine, a, store)
    title = TITLED.split("\n", 1)[0]
    other = (
        title
        + "\n\n第一条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。\n"
        + "\n".join(
            f"第{n}条 农村寄递物流体系建设纳入乡村振兴考核，由各乡镇组织实施第{n}项任务。"
            for n in "二三四五六"
        )
    )
    (b / "doc.txt").write_text(other, encoding="utf-8")
    assert all(s is None for _, _, s in statuses(engine, b, store))


def test_copy_of_the_same_file_anywhere_is_the_same_document(engine: Engine, tmp_path: Path) -> None:
    a = tmp_path / "a"
    a.mkdir()
    (a / "doc.txt").write_text(UNTITLED, encoding="utf-8")
    store = Store.open(tmp_path / "review.db")
    decide_everything(engine, a, store)
    b = tmp_path / "b" / "c"
    shutil.copytree(a, b)
    got = statuses(engine, b, store)
    assert got and all(s == "dismissed" for _, _, s in got)
