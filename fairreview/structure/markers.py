"""Heading markers of Chinese legal and policy documents, on normalised text (NFKC: （一） → (一))."""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_NUM = "零〇一二三四五六七八九十百千两"

# A number as PDF text gives it may be spaced out ("第 1 2 条"); the marker's text is shown without the spaces.
_NUM = rf"[{CN_NUM}\d](?:\s?[{CN_NUM}\d])*\s?"

# rank: smaller opens a bigger unit; a marker closes every open unit of the same or a higher rank.
_MARKERS: list[tuple[str, int, re.Pattern[str]]] = [
    ("part", 0, re.compile(rf"^第\s?{_NUM}(?:编|部分)(?=\s|$)")),
    ("chapter", 1, re.compile(rf"^第\s?{_NUM}章")),
    # 附则 on a line of its own, without a number: the closing part of a policy document (its items are not
    # items of the last 一、 heading)
    ("annex", 1, re.compile(r"^附\s?则(?=\s*[:：]?\s*$)")),
    ("section", 2, re.compile(rf"^第\s?{_NUM}节(?=\s|$|[\u4e00-\u9fff])")),
    ("article", 3, re.compile(rf"^第\s?{_NUM}条(?![之的规所中款项])")),
    ("cn", 4, re.compile(rf"^[{CN_NUM}]+[、.](?=\S)")),
    ("paren_cn", 5, re.compile(rf"^\([{CN_NUM}]+\)")),
    # "6、" "6." (also "6．" before NFKC) "6,"; not a decimal or a thousands separator ("6.5%" "1,000"),
    # but "6.2024年起…" is an item that starts with a year
    ("arabic", 6, re.compile(r"^\d{1,3}(?:[、.,](?!\d)|\.(?=(?:19|20)\d{2}年)|\s)")),
    ("paren_arabic", 7, re.compile(r"^\(\d{1,3}\)")),
    ("circled", 8, re.compile(r"^[\u2460-\u2473]")),
]

RANKS = {kind: rank for kind, rank, _ in _MARKERS}


@dataclass
class Marker:
    kind: str
    rank: int
    text: str  # the marker as written (normalised), e.g. "第五条", "(二)", "三、"


def _expressions(first: str) -> tuple[tuple[str, int, re.Pattern[str]], ...]:
    """The markers a line starting with ``first`` can open: every marker starts with 第, "(", 附 (附则), a
    Chinese numeral, a digit or a circled number, so most lines of a document try no expression. Those
    starting with 第 differ in the word after the number (编 章 节 条): the most common is tried first."""
    got = _BY_FIRST.get(first)
    if got is not None:
        return got
    if first.isdecimal():
        return _BY_KIND["arabic"]
    if "\u2460" <= first <= "\u2473":
        return _BY_KIND["circled"]
    return ()


_BY_KIND = {kind: ((kind, rank, rx),) for kind, rank, rx in _MARKERS}
_BY_FIRST: dict[str, tuple[tuple[str, int, re.Pattern[str]], ...]] = {
    "第": tuple(m for kind in ("article", "chapter", "section", "part") for m in _BY_KIND[kind]),
    "(": _BY_KIND["paren_cn"] + _BY_KIND["paren_arabic"],
    "附": _BY_KIND["annex"],
    **{ch: _BY_KIND["cn"] for ch in CN_NUM},
}


def find_marker(line: str) -> Marker | None:
    if not line:
        return None
    for kind, rank, rx in _expressions(line[0]):
        m = rx.match(line)
        if m:
            return Marker(kind, rank, "".join(m.group(0).split()))  # without the spaces of PDF text
    return None


#: any marker, in one pattern (the first that matches in _MARKERS order, as find_marker tries them)
_ANY_MARKER = re.compile("|".join(f"(?:{rx.pattern})" for _, _, rx in _MARKERS))


def strip_marker(line: str) -> str:
    """The line without the heading marker it starts with ("（三）对企业…" → "对企业…")."""
    m = _ANY_MARKER.match(line)
    return line[m.end():].strip() if m else line.strip()


def display(marker: Marker, legal: bool) -> str:
    """The marker as it appears in a location string: full-width brackets, legal item words."""
    t = marker.text.replace("(", "（").replace(")", "）")
    if marker.kind == "cn":
        return t.rstrip("、.") + "、"
    if marker.kind == "arabic":
        num = t.rstrip("、., ")
        return f"第{num}目" if legal else f"{num}."
    if marker.kind == "paren_cn" and legal:
        return f"第{t}项"
    if marker.kind == "paren_arabic" and legal:
        return f"第{t}目"
    return t
