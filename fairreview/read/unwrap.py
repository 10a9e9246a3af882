"""Repair line wrapping of laid-out formats (PDF, OFD): a visual line is not a paragraph.

A line is joined with the next when it runs to the right margin ("full"), does not end a sentence, the next
line does not open a new heading (第五条, 一、, （二）…), and both are set in the same font size. Headings and
short lines (a title, 落款, a date) never reach the margin, so they stay lines of their own. The 红头, the 文号
and the title are set in different sizes (GB/T 9704: 二号 title, 三号 文号), and a 文号 line never joins its
neighbours even when it is flush right and so runs to the margin: joined, neither would be found. The output is the text the scanner reads,
so no offset map is needed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..structure.markers import find_marker
from .normalize import normalize

_SENT_END = set("。；！？：;!?:…")
_CLOSERS = set("”’\"')）】」』")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_~·\s]*\d{1,4}[-—–－_~·\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.I,
)
_DATE_LINE = re.compile(r"^[\d〇○零一二三四五六七八九十]{2,4}\s*年.{1,6}月.{1,6}日$")
# a line holding only a 文号 (facts/meta.py DOC_NUMBER reads it), optionally with 签发人 beside it
_DOC_NUMBER_LINE = re.compile(
    r"^[(（]?[\u4e00-\u9fffA-Za-z]{1,16}\s*[〔\[(（【]\s*(?:19|20)\d{2}\s*[〕\])）】]\s*第?\s*\d{1,5}\s*号[)）]?"
    r"(?:\s*签发人.{0,12})?$"
)
_SIZE_STEP = 1.15  # sizes that differ by more than this factor are different kinds of line


@dataclass
class Line:
    text: str
    full: bool | None = None  # runs to the right margin; None = decide by width
    size: float | None = None  # font size, where the format says it


def width(s: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in s)


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip()))


def ends_sentence(line: str) -> bool:
    s = line.rstrip()
    while s and s[-1] in _CLOSERS:
        s = s[:-1]
    return bool(s) and s[-1] in _SENT_END


def opens_unit(line: str) -> bool:
    """The line starts a heading, an item, an attachment or a date: never the continuation of a sentence."""
    t = normalize(line.strip()).text
    if not t:
        return True
    if find_marker(t) is not None:
        return True
    return t.startswith(("附件", "附表", "抄送", "抄报", "主送")) or bool(_DATE_LINE.match(t))


def stands_alone(line: str) -> bool:
    """A 文号 line: never part of a wrapped paragraph."""
    return bool(_DOC_NUMBER_LINE.match(line.strip()))


def _same_size(a: Line, b: Line) -> bool:
    if not a.size or not b.size:
        return True
    return max(a.size, b.size) <= _SIZE_STEP * min(a.size, b.size)


def _reference_width(lines: list[Line]) -> float:
    widths = sorted(width(ln.text.strip()) for ln in lines if width(ln.text.strip()) >= 10)
    if len(widths) < 3:
        return float("inf")  # too little text to know the measure: join nothing by width
    return widths[int(0.9 * (len(widths) - 1))]


def join_wrapped(lines: list[Line]) -> str:
    """Join visual lines into paragraphs; paragraphs are separated by one newline."""
    ref = _reference_width(lines)
    lines = [ln for ln in lines if ln.text.strip()]
    out: list[str] = []
    pending = ""
    for i, ln in enumerate(lines):
        text = ln.text.strip()
        pending = pending + text if pending else text
        following = lines[i + 1] if i + 1 < len(lines) else None
        full = ln.full if ln.full is not None else width(text) >= 0.85 * ref
        if following is not None and full and not ends_sentence(text) and not opens_unit(following.text) \
                and _same_size(ln, following) and not stands_alone(text) and not stands_alone(following.text):
            nxt = following.text
            # a space only where both sides are Latin/digits (English words wrapped at a space)
            if pending[-1].isascii() and pending[-1].isalnum() and nxt.strip()[:1].isascii() and \
                    nxt.strip()[:1].isalpha():
                pending += " "
            continue
        out.append(pending)
        pending = ""
    if pending:
        out.append(pending)
    return "\n".join(out)
