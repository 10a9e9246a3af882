"""Normalisation keeps a map back to the original text."""

from __future__ import annotations

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
