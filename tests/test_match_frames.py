"""Frames: every operator, the scopes around a match, and the gates (issue 10, item 3 and 4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairreview.concepts.classes import make_class
from fairreview.concepts.registry import build_providers
from fairreview.concepts.spans import SentenceView
from fairreview.match.context import Constraint, gate, holds
from fairreview.match.frames import FrameError, find, parse_atom, parse_frame
from fairreview.match.lexicon import load

LEX = load()
CLASSES = LEX.classes
PROVIDERS = build_providers(CLASSES)


def view(text: str, lead: str = "") -> SentenceView:
    return SentenceView(text, lead=lead, providers=PROVIDERS)


def hits(frame: str, text: str, classes=None, cross: bool = False) -> list[list[str]]:  # type: ignore[no-untyped-def]
    f = parse_frame(frame, classes or CLASSES, cross=cross)
    return [h.words for h in find(f, view(text), classes or CLASSES)]


# -- operators -----------------------------------------------------------------------------------------------
def test_ordered_gap_counts_characters_between_atoms() -> None:
    assert hits("甲 ..2 乙", "甲一二乙") == [["甲", "乙"]]
    assert hits("甲 ..1 乙", "甲一二乙") == []
    assert hits("甲 ..0 乙", "甲乙") == [["甲", "乙"]]
    assert hits("乙 ..5 甲", "甲一二乙") == []  # order matters


def test_a_name_in_a_gap_counts_as_a_short_word() -> None:
    """积石山保安族东乡族撒拉族自治县 is one place: a long name between two atoms does not push them apart."""
    assert hits("进入 ..6 销售", "进入积石山保安族东乡族撒拉族自治县销售") == [["进入", "销售"]]
    assert hits("进入 ..6 销售", "进入恒信环境工程有限责任公司销售") == [["进入", "销售"]]
    assert hits("进入 ..6 销售", "进入一个很长很长的普通地方销售") == []  # plain words still count
    assert hits("销售 ~6 进入", "进入积石山保安族东乡族撒拉族自治县销售") == [["销售", "进入"]]


def test_unordered_operator_takes_either_side() -> None:
    assert hits("甲 ~3 乙", "乙一甲") == [["甲", "乙"]]
    assert hits("甲 ~3 乙", "甲一乙") == [["甲", "乙"]]
    assert hits("甲 ~1 乙", "乙一二甲") == []


def test_matching_is_not_greedy() -> None:
    """The first B after A is too far from C; the second one is not: every combination is tried."""
    assert hits("A ..2 B ..2 C", "AB____B_C") == []
    assert hits("A ..6 B ..2 C", "AB____B_C") == [["A", "B", "C"]]
    # the old greedy `seq` missed this: AB_B_C with gap 2 from each step
    assert hits("A ..2 B ..2 C", "AB_B_C") == [["A", "B", "C"]]


def test_atoms_stay_in_one_comma_clause_unless_cross() -> None:
    assert hits("甲 ..4 乙", "甲,乙") == []
    assert hits("甲 ..4 乙", "甲,乙", cross=True) == [["甲", "乙"]]
    assert hits("甲 ..4 乙", "甲、乙") == [["甲", "乙"]]  # 、 joins words inside a clause


def test_atoms_never_overlap() -> None:
    assert hits("国有 ~4 国有企业", "国有企业") == []


def test_literal_class_span_and_alternatives() -> None:
    cls = {"verb": make_class("verb", ["注册", "登记"])}
    assert hits("$verb", "在本区登记", cls) == [["登记"]]
    assert hits("(在|于) ..0 本区", "于本区") == [["于", "本区"]]
    assert hits("@PLACE:local ~6 $register", "注册地在鼓楼区的企业")[0] == ["鼓楼区", "注册地"]
    assert hits("@PLACE:national ~6 $register", "在中华人民共和国境内注册") == [["中华人民共和国境内", "注册"]]
    assert hits("@PLACE:!national ~6 $register", "在中华人民共和国境内注册") == []
    assert hits("$register|@ORG", "由某公司负责") == [["某公司"]]


def test_parse_errors_name_the_problem() -> None:
    with pytest.raises(FrameError, match="未定义的词类"):
        parse_frame("$nosuchclass", CLASSES)
    with pytest.raises(FrameError, match="未知的片段标签"):
        parse_atom("@THING", CLASSES)
    with pytest.raises(FrameError, match="位置不对"):
        parse_frame("..3 甲", CLASSES)
    with pytest.raises(FrameError, match="不配对"):
        parse_frame("(甲|乙", CLASSES)


@given(st.text(alphabet="甲乙丙,", max_size=12), st.integers(min_value=0, max_value=6))
def test_every_hit_respects_its_gap(text: str, gap: int) -> None:
    f = parse_frame(f"甲 ..{gap} 乙", CLASSES)
    for h in find(f, view(text), CLASSES):
        (a_start, a_end, _), (b_start, _, _) = h.parts
        assert a_end <= b_start <= a_end + gap
        assert "," not in text[a_start:b_start]


# -- scopes ------------------------------------------------------------------------------------------------
def _first(frame: str, text: str):  # type: ignore[no-untyped-def]
    v = view(text)
    return v, next(find(parse_frame(frame, CLASSES), v, CLASSES))


def test_clause_scope_is_the_comma_clause_of_the_match() -> None:
    v, h = _first("指定 ..4 供应商", "保险公司负责理赔,各单位须到指定的供应商处购买")
    lit = parse_atom("保险公司负责", CLASSES)
    assert not holds(Constraint("clause", (lit,)), v, h, CLASSES)  # another clause: does not veto
    assert holds(Constraint("sentence", (lit,)), v, h, CLASSES)


def test_near_before_after_scopes() -> None:
    v, h = _first("注册", "依法在本区注册的企业")
    lawful = parse_atom("依法", CLASSES)
    assert holds(Constraint("before", (lawful,), 6), v, h, CLASSES)
    assert not holds(Constraint("after", (lawful,), 6), v, h, CLASSES)
    assert holds(Constraint("near", (lawful,), 6), v, h, CLASSES)
    assert not holds(Constraint("near", (lawful,), 1), v, h, CLASSES)


def test_a_word_across_the_edge_of_a_name_is_no_word() -> None:
    """迁离休宁县 holds 离休 across the place's edge; 本地户籍 holds a whole place and is a word."""
    v, h = _first("迁离", "企业不得迁离休宁县")
    retired = parse_atom("离休", CLASSES)
    assert not holds(Constraint("clause", (retired,)), v, h, CLASSES)
    v, h = _first("迁离", "企业不得迁离休闲区,离休人员除外")
    assert holds(Constraint("sentence", (retired,)), v, h, CLASSES)  # the same word standing on its own
    v, h = _first("招用", "企业招用本地户籍人员")
    assert holds(Constraint("clause", (parse_atom("本地户籍", CLASSES),)), v, h, CLASSES)


def test_item_scope_reads_the_lead_in() -> None:
    v = view("(一)在本区注册", lead="申请人应符合下列条件:")
    h = next(find(parse_frame("@PLACE:local ~6 $register", CLASSES), v, CLASSES))
    cond = parse_atom("下列条件", CLASSES)
    assert holds(Constraint("item", (cond,)), v, h, CLASSES)
    assert not holds(Constraint("sentence", (cond,)), v, h, CLASSES)


# -- gates ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lead", "expected"),
    [
        ("申报企业须在本区注册", "", True),  # a modal before the place
        ("注册地须在本区", "", True),  # a modal inside the match
        ("(一)在本区注册", "申请人应符合下列条件:", True),  # an item under a conditions lead-in
        ("申报条件:在本区注册", "", True),  # a label clause before it
        ("在本市注册的企业应当遵守本条例", "", False),  # who a regulation governs
        ("乙方承诺在本区注册", "", True),  # what an operator pledges is required of it
        ("区政府承诺为在本区注册的企业提供服务", "", False),  # a government's pledge requires nothing of firms
        ("政府向企业承诺在本区注册的企业享受服务", "", False),
    ],
)
def test_condition_gate(text: str, lead: str, expected: bool) -> None:
    v = view(text, lead)
    h = next(find(parse_frame("@PLACE:local ~6 $register", CLASSES), v, CLASSES))
    assert gate("condition", v, h, CLASSES) is expected


def test_benefit_and_scoring_gates() -> None:
    v, h = _first("@PLACE:local ~6 $register", "对注册地在本区的企业,给予一次性奖励")
    assert gate("benefit", v, h, CLASSES)
    v, h = _first("@PLACE:local ~30 $branch", "在本市设有售后服务网点的得3分")
    assert gate("scoring", v, h, CLASSES)
    assert not gate("benefit", v, h, CLASSES)
