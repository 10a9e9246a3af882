"""Structure: title, clause tree and sentence locations for legal and policy styles."""

from __future__ import annotations

from fairreview.read import normalize
from fairreview.structure import parse

LEGAL = """某某县人民政府文件
某政发〔2024〕3号
关于印发某某县促进经济发展
若干措施的通知
第一章 总则
第一条 为了促进发展，制定本措施。
第二条 对企业给予下列支持：
（一）技术改造补助；
（二）人才奖励。
前款规定的支持，按年度申报。
第三条 本措施自2024年1月1日起施行。
"""

POLICY = """关于进一步优化营商环境的实施意见
各乡镇人民政府：
为优化营商环境，提出如下意见。
一、总体要求
（一）指导思想。坚持公平竞争。各部门统一部署。
1. 清理妨碍统一市场的规定。
（1）全面梳理。
二、保障措施
加强组织领导。
"""


def _locs(text: str) -> list[tuple[str, str]]:
    n = normalize(text)
    s = parse(n.text)
    return [(x.location, n.text[x.start : x.end]) for x in s.sentences]


def test_title_wrapped_over_two_lines() -> None:
    n = normalize(LEGAL)
    s = parse(n.text)
    assert s.title == "关于印发某某县促进经济发展若干措施的通知"


def test_legal_locations() -> None:
    locs = dict((t, loc) for loc, t in _locs(LEGAL))
    assert locs["第一条为了促进发展,制定本措施。"] == "第一条"
    assert locs["(一)技术改造补助;"] == "第二条第一款第（一）项"
    assert locs["(二)人才奖励。"] == "第二条第一款第（二）项"
    assert locs["前款规定的支持,按年度申报。"] == "第二条第二款"
    assert locs["第三条本措施自2024年1月1日起施行。"] == "第三条"


def test_policy_locations() -> None:
    locs = _locs(POLICY)
    assert locs[0] == ("标题", "关于进一步优化营商环境的实施意见")
    by_text = {t: loc for loc, t in locs}
    assert by_text["坚持公平竞争。"] == "一、（一）"
    assert by_text["1. 清理妨碍统一市场的规定。"] == "一、（一）1."
    assert by_text["(1)全面梳理。"] == "一、（一）1.（1）"
    assert by_text["加强组织领导。"] == "二、"
    assert by_text["为优化营商环境,提出如下意见。"].startswith("正文")


def test_sentence_spans_are_inside_the_text() -> None:
    for text in (LEGAL, POLICY):
        n = normalize(text)
        for s in parse(n.text).sentences:
            assert 0 <= s.start < s.end <= len(n.text)
            assert n.text[s.start : s.end].strip() == n.text[s.start : s.end]


def test_clause_without_title_line() -> None:
    s = parse(normalize("对在本县注册的企业给予奖励").text)
    assert s.title is None
    assert [x.location for x in s.sentences] == ["正文第一段"]
