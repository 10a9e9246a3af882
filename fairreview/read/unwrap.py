"""Repair line wrapping of laid-out formats (PDF, OFD): a visual line is not a paragraph.

A line is joined with the next when it runs to the right margin ("full"), does not end a sentence, and the
next line does not open a new heading (第五条, 一、, （二）…). Headings and short lines (a title, 落款, a
date) never reach the margin, so they stay lines of their own. The output is the text the scanner reads,
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


@dataclass
class Line:
    text: str
    full: bool | None = None  # runs to the right margin; None = decide by width


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


def _reference_width(lines: list[Line]) -> float:
    widths = sorted(width(ln.text.strip()) for ln in lines if width(ln.text.strip()) >= 10)
    if len(widths) < 3:
        return float("inf")  # too little text to know the measure: join nothing by width
    return widths[int(0.9 * (len(widths) - 1))]


def join_wrapped(lines: list[Line]) -> str:
    """Join visual lines into paragraphs; paragraphs are separated by one newline."""
    ref = _reference_width(lines)
    out: list[str] = []
    pending = ""
    for i, ln in enumerate(lines):
        text = ln.text.strip()
        if not text:
            continue
        pending = pending + text if pending else text
        nxt = next((n.text for n in lines[i + 1:] if n.text.strip()), None)
        full = ln.full if ln.full is not None else width(text) >= 0.85 * ref
        if nxt is not None and full and not ends_sentence(text) and not opens_unit(nxt):
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
