"""LG001: citations of repealed / replaced / outdated laws (fairreview/data/superseded.yaml)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from fairreview import Engine, Settings
from fairreview.facts import citations
from fairreview.facts.citations import match_citation
from fairreview.model import DocumentResult

HEAD = "云溪县某某管理办法\n"


def scan(engine: Engine, body: str) -> DocumentResult:
    return engine.analyse_text(HEAD + body, DocumentResult(path="<t>")).result


def lg(doc: DocumentResult) -> list:
    return [f for f in doc.findings if f.rule == "LG001"]


def test_contract_law_citation_names_the_civil_code(engine: Engine) -> None:
    doc = scan(engine, "第一条 为规范合同管理，根据《中华人民共和国合同法》等法律法规，制定本办法。\n"
                       "第二条 本办法自2026年1月1日起施行。")
    (f,) = lg(doc)
    assert f.severity == "warning" and f.title == "引用已废止/被替代的依据"
    assert "《中华人民共和国民法典》" in f.message or "中华人民共和国民法典" in f.message
    assert "已废止" in f.message and "2021年1月1日" in f.message
    assert f.location == "第一条"
    assert f.text.startswith("第一条") and "《中华人民共和国合同法》" in f.text
    assert f.evidence == ["《中华人民共和国合同法》"]
    assert doc.verdict == "amend"  # it counts toward 修改


def test_an_outdated_basis_alone_never_makes_a_document_repeal(engine: Engine) -> None:
    body = "".join(f"第{n}条 依照《中华人民共和国物权法》办理第{n}项登记。\n" for n in "一二三四五")
    doc = scan(engine, body)
    assert len(lg(doc)) == 5
    assert doc.verdict == "amend"


@pytest.mark.parametrize(
    "cited",
    [
        "中华人民共和国劳动合同法",  # a current law that merely contains 合同法
        "中华人民共和国民法典",
        "中华人民共和国噪声污染防治法",  # the replacement of 环境噪声污染防治法
        "促进个体工商户发展条例",  # the replacement of 个体工商户条例
        "中华人民共和国公司法",  # amended but in force: the current text
        "中华人民共和国公司法（2023年修订）",
        "市场准入负面清单（2025年版）",
        "最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）",  # the new interpretation
        "制止滥用行政权力排除、限制竞争行为规定",  # the same name as the 2025 version
        "公平竞争审查条例实施办法",
    ],
)
def test_current_instruments_do_not_match(cited: str) -> None:
    assert match_citation(cited) is None


@pytest.mark.parametrize(
    ("cited", "title"),
    [
        ("合同法", "中华人民共和国合同法"),
        ("中华人民共和国 物权法", "中华人民共和国物权法"),
        ("中华人民共和国环境噪声污染防治法", "中华人民共和国环境噪声污染防治法"),
        ("公平竞争审查制度实施细则", "公平竞争审查制度实施细则"),
        ("市场准入负面清单（2022年版）", "市场准入负面清单（2022年版）"),
        ("中华人民共和国合同法（1999年）", "中华人民共和国合同法"),
        ("最高人民法院关于适用〈中华人民共和国合同法〉若干问题的解释（一）",
         "最高人民法院关于适用《合同法》若干问题的解释（一）"),
    ],
)
def test_repealed_or_replaced_titles_match(cited: str, title: str) -> None:
    hit = match_citation(cited)
    assert hit is not None and hit[0].title == title


def test_amended_law_only_when_the_citation_names_an_older_version(engine: Engine) -> None:
    doc = scan(engine, "第一条 根据《中华人民共和国公司法》（2018年修正）第十条，制定本办法。")
    (f,) = lg(doc)
    assert "2018年的版本" in f.message and "修订" in f.message
    assert not lg(scan(engine, "第一条 根据《中华人民共和国公司法》，制定本办法。"))


def test_doc_number_of_a_replaced_policy_is_recognised(engine: Engine) -> None:
    doc = scan(engine, "第一条 按照《国务院关于在市场体系建设中建立公平竞争审查制度的意见》"
                       "（国发[2016]34号）要求开展审查。")
    hits = lg(doc)
    assert hits and all("公平竞争审查条例" in f.message for f in hits)
    assert len(hits) == 1  # the title and the number are one citation in one sentence


def test_a_sentence_that_records_the_repeal_is_not_a_citation(engine: Engine) -> None:
    assert not lg(scan(engine, "第一条 《中华人民共和国合同法》已于2021年1月1日废止，合同订立适用民法典。"))
    assert not lg(scan(engine, "第一条 合同订立适用《中华人民共和国民法典》"
                               "（原《中华人民共和国合同法》）的规定。"))


def test_repeal_not_yet_in_force_on_the_review_date() -> None:
    body = "第一条 增值税按照《中华人民共和国增值税暂行条例》执行。"
    before = Engine(Settings(as_of="2025-06-30")).analyse_text(HEAD + body, DocumentResult(path="<t>")).result
    after = Engine(Settings(as_of="2026-11-27")).analyse_text(HEAD + body, DocumentResult(path="<t>")).result
    assert not lg(before) and len(lg(after)) == 1


def test_select_and_ignore_apply_to_lg001() -> None:
    body = "第一条 根据《中华人民共和国合同法》制定本办法。"
    engine = Engine(Settings(as_of="2026-11-27", ignore=("LG",)))
    ignored = engine.analyse_text(HEAD + body, DocumentResult(path="t"))
    assert not lg(ignored.result)


def test_offsets_map_to_the_original_text(engine: Engine) -> None:
    # full-width spaces and digits
    text = HEAD + "第一条　根据《中华人民共和国　合同法》（１９９９年）制定本办法。"
    doc = engine.analyse_text(text, DocumentResult(path="<t>")).result
    (f,) = lg(doc)
    assert text[f.start:f.end] == f.text and "合同法" in f.text
    assert text[f.trigger_start] == "《"


def test_real_regulations_cite_repealed_laws(shared: Path) -> None:
    """Real local regulations from before 2021 cite 物权法/合同法; current ones cite 民法典 (not
    flagged)."""
    from fairreview.facts import superseded_findings
    from fairreview.read import normalize
    from fairreview.structure import parse

    folder = shared / "corpus" / "regulations"
    flagged = 0
    for path in sorted(folder.glob("*.md"))[:400]:
        text = path.read_text(encoding="utf-8", errors="replace")
        norm = normalize(text)
        for f in superseded_findings(text, norm, parse(norm.text), as_of="2026-11-27"):
            flagged += 1
            cited = f.evidence[0]
            assert cited in text
            assert "劳动合同法" not in cited and "民法典" not in cited
    assert flagged >= 1


def _some_numbers() -> list[str]:
    from fairreview.facts.citations import catalogue

    return sorted(catalogue()[1])[:4]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_some_numbers() or ["国发〔2016〕34号"]), st.sampled_from(list("发国号1〔〕 ，甲"))),
                max_size=12).map("".join))
def test_cited_numbers_are_those_the_look_behind_expression_finds(text: str) -> None:
    from fairreview.facts.citations import _numbers_cited, catalogue

    numbers = catalogue()[1]
    plain = re.compile(r"(?<![\u4e00-\u9fff\d])(" + "|".join(re.escape(k) for k in numbers) + r")")
    assert [m.span() for m in _numbers_cited(text)] == [m.span() for m in plain.finditer(text)]


# -- the ceiling that keeps rapidfuzz out of documents whose citations are nowhere near a catalogue title --
_TITLE_CHARS = st.sampled_from("中华人民共和国省市县政府采购法条例办法规定实施细则管理暂行修订（）()0123456789")


@settings(max_examples=300, deadline=None)
@given(st.text(_TITLE_CHARS, min_size=1, max_size=30), st.text(_TITLE_CHARS, min_size=1, max_size=30))
def test_the_ratio_ceiling_is_never_below_the_ratio(a: str, b: str) -> None:
    assert fuzz.ratio(a, b) <= citations.ratio_ceiling(a, frozenset(b), len(b)) + 1e-9


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_title_with_one_slip_is_not_ruled_out_by_the_ceiling(data: st.DataObject) -> None:
    titles = [t for t, *_ in citations._fuzzy_titles() if len(t) >= citations.FUZZY_MIN_LEN]
    title = data.draw(st.sampled_from(titles))
    i = data.draw(st.integers(0, len(title) - 1))
    slip = data.draw(st.sampled_from([title[:i] + title[i + 1:], title[:i] + "某" + title[i:],
                                      title[:i] + "某" + title[i + 1:]]))
    if fuzz.ratio(slip, title) >= citations.FUZZY_MIN:
        assert citations.ratio_ceiling(slip, frozenset(title), len(title)) >= citations.FUZZY_MIN


@pytest.mark.parametrize(
    ("cited", "title"),
    [
        ("公平竞争审查制度实施细", "公平竞争审查制度实施细则"),  # a character missing
        ("最高人民法院关于适用《合同法》若干问题得解释（一）", "最高人民法院关于适用《合同法》若干问题的解释（一）"),  # 得/的
    ],
)
def test_a_long_title_with_one_slip_matches(cited: str, title: str) -> None:
    hit = match_citation(cited)
    assert hit is not None and hit[0].title == title


def test_rapidfuzz_is_imported_only_for_a_citation_near_a_title() -> None:
    code = textwrap.dedent("""
        import json, sys
        from fairreview.facts.citations import match_citation
        far = match_citation("河南省大气污染防治条例"), "rapidfuzz" in sys.modules
        near = match_citation("公平竞争审查制度实施细"), "rapidfuzz" in sys.modules
        print(json.dumps([far[0] is None, far[1], near[0] is not None, near[1]]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert json.loads(out.stdout) == [True, False, True, True]
