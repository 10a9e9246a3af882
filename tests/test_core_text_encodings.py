"""Plain-text reading: encodings are detected and reported; non-text bytes are errors, not clean documents."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairreview.read import ReadError, extract

SAMPLE = "第一条 为了规范政府采购行为，维护公平竞争的市场秩序，制定本办法。\n第二条 本办法适用于本县行政区域内的政府采购活动。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("gb18030"), "gb18030"),
    ],
)
def test_encodings_detected(data: bytes, encoding: str) -> None:
    ex = extract(data, "a.txt")
    assert ex.text.replace("\ufeff", "") == SAMPLE
    assert ex.encoding == encoding


def test_big5_detected() -> None:
    text = "第一條 為了規範政府採購行為，維護公平競爭的市場秩序，制定本辦法。各機關應當依法辦理採購事項。\n" * 3
    ex = extract(text.encode("big5"), "b.txt")
    assert ex.encoding in ("big5", "cp950", "big5hkscs")
    assert ex.text == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "为空"),
        (b"   \n\t ", "为空"),
        (b"\x00\x01\x02\x03binary\x00", "二进制"),
        (b"PK\x03\x04" + b"\x00" * 40, "二进制"),
        (bytes(range(128, 256)) * 8, ""),
    ],
)
def test_non_text_is_an_error(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError) as exc:
        extract(data, "x.txt")
    assert reason in str(exc.value)


def test_unsupported_extension_is_reported() -> None:
    with pytest.raises(ReadError, match="不支持的文件格式"):
        extract(b"abc", "notes.xyz")


@pytest.mark.parametrize(("name", "reason"), [("a.txt", "UTF-8 标记"), ("a.md", "UTF-8 标记"),
                                              ("sheet.xls", "不是 xls 文档"), ("notice.doc", "不是 doc 文档")])
@pytest.mark.parametrize("tail", [b"\xe0\xa1\xb1\x1a\xe1\x00\x00", b"\xff\xfe\xfd" * 10, "正文".encode("gbk")])
def test_a_utf8_mark_before_bytes_that_are_not_utf8_is_a_read_error(name: str, reason: str, tail: bytes) -> None:
    """The mark promises UTF-8; bytes that break the promise are a read error that says so (a .doc or .xls
    name: not that format), never an exception that ends the document as an internal error."""
    with pytest.raises(ReadError, match=reason):
        extract(codecs.BOM_UTF8 + SAMPLE.encode("utf-8")[:30] + tail, name)


@given(st.binary(max_size=200))
def test_whatever_follows_a_utf8_mark_gives_text_or_a_read_error(tail: bytes) -> None:
    try:
        ex = extract(codecs.BOM_UTF8 + tail, "a.txt")
    except ReadError as exc:
        assert any("\u4e00" <= c <= "\u9fff" for c in str(exc))
    else:
        assert ex.text == tail.decode("utf-8").lstrip("\ufeff") or ex.text.strip()
