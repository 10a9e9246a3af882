"""Display width of CJK text in a terminal (a Chinese character takes two columns)."""

from __future__ import annotations

from wcwidth import wcswidth, wcwidth


def width(s: str) -> int:
    w = wcswidth(s)
    return w if w >= 0 else len(s)


def wrap(s: str, cols: int) -> str:
    """Hard-wrap to ``cols`` display columns (Chinese has no spaces to break on)."""
    lines: list[str] = []
    cur: list[str] = []
    cur_w = 0
    for ch in s:
        if ch == "\n":
            lines.append("".join(cur))
            cur, cur_w = [], 0
            continue
        w = max(wcwidth(ch), 0)
        if cur_w + w > cols and cur:
            lines.append("".join(cur))
            cur, cur_w = [], 0
        cur.append(ch)
        cur_w += w
    lines.append("".join(cur))
    return "\n".join(lines)


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
