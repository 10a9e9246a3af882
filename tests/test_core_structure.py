"""Structure: title, clause tree and sentence locations for legal and policy styles."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

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


# PDF text spaces out the digits of an article number; the location is the article's, not a paragraph of
# the article before it
PDF_ARTICLES = """某县城区停车场管理办法
第 9 条 停车场经营者应当在入口处公示收费标准。
第 1 0 条 停车场经营者不得超过公示的标准收费。
第 1 2 条 本办法自印发之日起施行。
"""


def test_spaced_article_digits_from_pdf_text() -> None:
    locs = [loc for loc, _ in _locs(PDF_ARTICLES)]
    assert locs == ["标题", "第9条", "第10条", "第12条"]


ITEMS = """关于支持县域商贸流通企业发展的若干措施
一、支持措施
5．对新开设的社区便民网点，按投资额给予补助。
6，对开展冷链配送的企业，按车辆购置款给予补助。
7.2025年起，对年度配送量增长的企业给予奖励。
8.5%以上的增长部分，不再重复计算。
"""


def test_item_numbers_written_with_a_comma_or_a_full_width_stop() -> None:
    by_text = {t: loc for loc, t in _locs(ITEMS)}
    assert by_text["5.对新开设的社区便民网点,按投资额给予补助。"] == "一、5."
    assert by_text["6,对开展冷链配送的企业,按车辆购置款给予补助。"] == "一、6."
    assert by_text["7.2025年起,对年度配送量增长的企业给予奖励。"] == "一、7."
    # a decimal at the start of a line is not an item number
    assert by_text["8.5%以上的增长部分,不再重复计算。"] == "一、7."


CLOSING = """关于支持县域商贸流通企业发展的若干措施
一、支持措施
（一）对新开设的社区便民网点给予补助。
（二）对开展冷链配送的企业给予补助。
附 则
（一）本措施由县商务局负责解释。
（二）本措施自印发之日起施行。
"""


def test_items_of_the_closing_part_are_not_under_the_last_heading() -> None:
    by_text = {t: loc for loc, t in _locs(CLOSING)}
    assert by_text["(二)对开展冷链配送的企业给予补助。"] == "一、（二）"
    assert by_text["(一)本措施由县商务局负责解释。"] == "附则（一）"
    assert by_text["(二)本措施自印发之日起施行。"] == "附则（二）"


def test_closing_part_of_a_regulation_keeps_article_numbers() -> None:
    text = "某县集贸市场管理办法\n第一条 市场开办者应当公示摊位费标准。\n附则\n第二条 本办法自印发之日起施行。\n"
    by_text = {t: loc for loc, t in _locs(text)}
    assert by_text["第二条本办法自印发之日起施行。"] == "第二条"


@settings(max_examples=400, deadline=None)
@example("附则")
@example("附 则:")
@example("第 1 2 条")
@example("(3)")
@example("\u2460")
@given(st.text(alphabet="第附则章条节编部分一二三十百零〇两0123456789()、.,: \u2460\u2473之的款项年20同", max_size=12))
def test_the_first_character_shortcut_never_hides_a_marker(line: str) -> None:
    """find_marker skips lines whose first character opens no marker; trying every expression agrees."""
    from fairreview.structure.markers import _MARKERS, find_marker

    tried = next(((kind, m.group(0)) for kind, _, rx in _MARKERS if (m := rx.match(line))), None)
    found = find_marker(line)
    assert (found.kind if found else None) == (tried[0] if tried else None)
    assert found is None or tried is None or found.text == re.sub(r"\s+", "", tried[1])


# -- lines and sentences, against the plain reading of what they are ---------------------------------------
_LAYOUT = st.text(alphabet="甲乙。;!?”’\"')#  \t\r\u3000\u00a0\u2028\n", max_size=40)


def _plain_lines(text: str) -> list[tuple[int, int, str]]:
    """Each line split at "\\n", without its indentation, one leading run of "#" and trailing white space."""
    out, pos = [], 0
    for raw in text.split("\n"):
        body = raw.lstrip()
        if body.startswith("#"):
            body = body.lstrip("#").lstrip()
        stripped = body.rstrip()
        if stripped:
            a = pos + len(raw) - len(body)
            out.append((a, a + len(stripped), stripped))
        pos += len(raw) + 1
    return out


def _plain_sentences(text: str) -> list[tuple[int, int]]:
    """Cut after every run of end marks (and the closing quotes after it) and at every line end; keep what is
    not white space, trimmed."""
    cuts, i = [0], 0
    while i < len(text):
        if text[i] == "\n":
            cuts += [i, i + 1]
            i += 1
        elif text[i] in "。;!?":
            while i < len(text) and text[i] in "。;!?":
                i += 1
            while i < len(text) and text[i] in "”’\"')":
                i += 1
            cuts += [i, i]
        else:
            i += 1
    cuts.append(len(text))
    out = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        seg = text[a:b]
        if seg.strip():
            start = a + len(seg) - len(seg.lstrip())
            out.append((start, start + len(seg.strip())))
    return out


@settings(max_examples=300, deadline=None)
@given(_LAYOUT)
def test_lines_are_the_non_blank_lines_without_layout(text: str) -> None:
    from fairreview.structure.parse import _lines

    assert _lines(text) == _plain_lines(text)


@settings(max_examples=300, deadline=None)
@given(_LAYOUT)
def test_sentences_are_cut_after_end_marks_and_at_line_ends(text: str) -> None:
    from fairreview.structure.parse import _sentences

    assert list(_sentences(text, 0, len(text))) == _plain_sentences(text)
