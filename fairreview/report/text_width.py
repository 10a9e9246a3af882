"""Display width of CJK text in a terminal (a Chinese character takes two columns), colour codes excluded.

Every width here is measured without ANSI colour sequences (``\\x1b[…m``): they take no column, so a
highlighted clause wraps where a plain one does.
"""

from __future__ import annotations

import re

from wcwidth import wcswidth, wcwidth

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(s: str) -> str:
    """``s`` without colour sequences."""
    return ANSI.sub("", s)


def width(s: str) -> int:
    """Columns ``s`` takes on a terminal (the widest line when it has several)."""
    return max((_line_width(line) for line in plain(s).split("\n")), default=0)


def _line_width(s: str) -> int:
    w = wcswidth(s)
    return w if w >= 0 else sum(max(wcwidth(c), 0) for c in s)


def wrap(s: str, cols: int) -> str:
    """Hard-wrap to ``cols`` display columns (Chinese has no spaces to break on); colour sequences are
    carried along and count as nothing."""
    cols = max(cols, 2)
    lines: list[str] = []
    cur: list[str] = []
    cur_w = 0
    pos = 0
    while pos < len(s):
        m = ANSI.match(s, pos)
        if m:
            cur.append(m.group())
            pos = m.end()
            continue
        ch = s[pos]
        pos += 1
        if ch == "\n":
            lines.append("".join(cur))
            cur, cur_w = [], 0
            continue
        w = max(wcwidth(ch), 0)
        if cur_w + w > cols and cur_w:
            lines.append("".join(cur))
            cur, cur_w = [], 0
        cur.append(ch)
        cur_w += w
    lines.append("".join(cur))
    return "\n".join(lines)


def wrap_words(s: str, cols: int, first: int | None = None) -> list[str]:
    """Wrap at spaces where the words allow it (codes, dates, ``文号 …`` stay whole), hard-wrap a word wider
    than the line (Chinese text has no spaces). ``first``: the width of the first line, if different."""
    lines: list[str] = []
    body = s.lstrip(" ")
    cur = s[: len(s) - len(body)]  # leading spaces (an indented line) are kept
    limit = cols if first is None else first
    for word in body.split(" "):
        candidate = f"{cur} {word}" if cur.strip() else cur + word
        if width(candidate) <= limit:
            cur = candidate
            continue
        if cur:
            lines.append(cur)
            limit = cols
        pieces = wrap(word, limit).split("\n")
        lines += pieces[:-1]
        cur = pieces[-1]
        if len(pieces) > 1:
            limit = cols
    lines.append(cur)
    return lines


def fit(s: str, cols: int, indent: str = "  ") -> str:
    """A free line of the report within ``cols``: wrapped (at spaces where possible), continuation lines
    indented by ``indent``."""
    out: list[str] = []
    pad = width(indent)
    for line in s.split("\n"):
        head, *rest = wrap_words(line, cols - pad, first=cols)
        out += [head, *(indent + part for part in rest)]
    return "\n".join(out)


def excerpt(text: str, evidence: list[str], limit: int = 80) -> str:
    """The sentence with matched words in 【】, shortened around the first match."""
    flat = " ".join(text.split())
    first = min((flat.find(e) for e in evidence if e and flat.find(e) >= 0), default=0)
    if len(flat) > limit:
        lo = max(0, min(first - limit // 3, len(flat) - limit))
        flat = ("…" if lo else "") + flat[lo : lo + limit] + ("…" if lo + limit < len(flat) else "")
    for e in sorted({e for e in evidence if e}, key=len, reverse=True):
        flat = flat.replace(e, f"\0{e}\1")
    # nested replacements can leave markers inside markers; collapse them
    out, depth = [], 0
    for ch in flat:
        if ch == "\0":
            if depth == 0:
                out.append("【")
            depth += 1
        elif ch == "\1":
            depth -= 1
            if depth == 0:
                out.append("】")
        else:
            out.append(ch)
    return "".join(out)
