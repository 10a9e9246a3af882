"""Normalisation keeps a map back to the original text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from fairreview.read.normalize import normalize

CJKISH = st.lists(
    st.sampled_from(list("公平竞争审查本地企业，。；：（）１２３　 \n\t①ＡＢｃ〔〕“”…\r") + ["\r\n", "\u200b"]),
    max_size=80,
).map("".join)


@given(st.one_of(CJKISH, st.text(max_size=60)))
def test_offsets_map_each_char_back(text: str) -> None:
    n = normalize(text)
    assert len(n.offsets) == len(n.text) + 1
    assert list(n.offsets) == sorted(n.offsets)
    for i, ch in enumerate(n.text):
        src = text[n.offsets[i]]
        folded = src if src.isascii() or "\u2460" <= src <= "\u2473" or src in "…‥" else unicodedata.normalize("NFKC", src)
        assert ch in folded or (src == "\r" and ch == "\n")


@given(st.one_of(CJKISH, st.text(max_size=60)), st.data())
def test_span_maps_into_original(text: str, data: st.DataObject) -> None:
    n = normalize(text)
    if not n.text:
        return
    a = data.draw(st.integers(0, len(n.text) - 1))
    b = data.draw(st.integers(a + 1, len(n.text)))
    s, e = n.span(a, b)
    assert 0 <= s <= e <= len(text)
    # every normalised character of the span comes from inside the original span
    assert all(s <= n.offsets[i] < e for i in range(a, b))


def test_fullwidth_and_pdf_spacing() -> None:
    n = normalize("２０２４ 年 ３ 月，本 地 企业（一）")
    assert n.text == "2024年3月,本地企业(一)"
    assert normalize("①项").text == "①项"  # circled numbers stay item markers


# The rule for typesetting spaces, as one regex: a run of spaces or tabs between CJK and CJK, a digit or a
# bracket/punctuation mark (either order). normalize() applies it run by run; it must remove exactly these.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACES_RULE = re.compile(
    rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}0-9〔〕《》“”、。()%])|(?<=[0-9〔〕《》“”、。()%])[ \t]+(?=[{_CJK}])"
)
SPACED = st.lists(st.sampled_from(list("公平竞争本地企业1２9a,，。、()（）%〔〕《》“”  \t\t\n") + ["\u3400", "\uf900"]),
                  max_size=60).map("".join)


@given(SPACED)
def test_spaces_removed_exactly_where_the_rule_says(text: str) -> None:
    folded = "".join(unicodedata.normalize("NFKC", c) for c in text)  # every character here folds to one
    assert normalize(text).text == _SPACES_RULE.sub("", folded)


def test_the_characters_around_a_run_are_judged_as_the_rule_s_classes_judge_them() -> None:
    from fairreview.read.normalize import _cjk_bmp, _cjk_or_near

    cjk, near = re.compile(f"[{_CJK}]"), re.compile(f"[{_CJK}0-9〔〕《》“”、。()%]")
    for ch in map(chr, [*range(0x10000), 0x20000, 0x2A6DF, 0x10FFFF]):
        assert _cjk_bmp(ch) == (cjk.match(ch) is not None), hex(ord(ch))
        assert _cjk_or_near(ch) == (near.match(ch) is not None), hex(ord(ch))


@given(st.lists(st.integers(1, 40), max_size=12), st.integers(2, 80))
def test_the_offsets_of_a_text_with_runs_cut_out_are_the_positions_left(points: list[int], length: int) -> None:
    from fairreview.read.normalize import _Pieces

    bounds = sorted({p for p in points if p < length - 1})
    cuts = [(a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=False) if b > a]
    cuts = [c for i, c in enumerate(cuts) if i == 0 or c[0] > cuts[i - 1][1]]  # apart, as runs of spaces are
    left = [i for i in range(length) if not any(a <= i < b for a, b in cuts)]
    got = _Pieces.cut(length, cuts)
    assert len(got) == len(left) and list(got) == left and got[-1] == left[-1] and got[1:3] == left[1:3]
