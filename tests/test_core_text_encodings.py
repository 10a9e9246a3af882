"""Plain-text reading: encodings are detected and reported; non-text bytes are errors, not clean documents."""

from __future__ import annotations

import codecs

import pytest

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
