"""Split normalised text into its clause tree and sentences, each with a location string and a span."""

from __future__ import annotations

import re

from ..model import Clause, Sentence, Structure
from .markers import Marker, display, find_marker
from .title import find_title

# Sentence ends on normalised text (NFKC turned ；！？ into ; ! ?).
_SENT_END = re.compile(r"[。;!?]+[”’\"')]*|\n")
_CN_DIGITS = "〇一二三四五六七八九"
_ARTICLE_LOCATION = re.compile(r"^(第[^条]+条)(.*)$")


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        # leading Markdown heading marks ("# 标题") are layout, like indentation
        body = raw.lstrip().lstrip("#").lstrip() if raw.lstrip().startswith("#") else raw.lstrip()
        stripped = body.rstrip()
        if not stripped:
            continue
        lead = len(raw) - len(body)
        out.append((start + lead, start + lead + len(stripped), stripped))
    return out


def _cn_number(n: int) -> str:
    if n >= 100:  # only in malformed layouts (hundreds of paragraphs in one article); digits are clearer
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}"


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    s = start
    for m in _SENT_END.finditer(text, start, end):
        e = m.end() if m.group(0) != "\n" else m.start()
        if text[s:e].strip():
            spans.append((s, e))
        s = m.end()
    if s < end and text[s:end].strip():
        spans.append((s, end))
    # trim surrounding white space
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def parse(text: str, title_hint: str | None = None) -> Structure:
    lines = _lines(text)
    title_span: tuple[int, int] | None = None
    title: str | None = None
    title_lines = range(0)
    found = find_title(lines)
    if found:
        i, j = found
        title_span = (lines[i][0], lines[j - 1][1])
        title = "".join(t for _, _, t in lines[i:j])
        title_lines = range(i, j)
    elif title_hint:
        title = title_hint.strip() or None

    markers = [find_marker(t) for _, _, t in lines]
    legal = any(m is not None and m.kind == "article" for m in markers)
    # the units a location leaves out: articles are numbered through chapters (and through 附则)
    hidden = ("part", "chapter", "section", "annex") if legal else ("part", "chapter", "section")
    stack: list[tuple[Marker, str, int]] = []
    paragraph = 0  # 款 counter inside the current article
    body_para = 0
    clauses: list[Clause] = []
    # article location -> number of paragraphs, to decide whether "第N款" is shown
    para_counts: dict[int, int] = {}
    clause_article: list[int | None] = []
    clause_para: list[int] = []
    article_idx = -1

    if title_span:
        clauses.append(Clause(title_span[0], title_span[1], "标题", heading="", level="title"))
        clause_article.append(None)
        clause_para.append(0)

    for ln, (start, end, _line) in enumerate(lines):
        if ln in title_lines:
            continue
        if title_lines and ln < title_lines.start:
            # lines above the title (issuer, 文号) are kept as front matter
            clauses.append(Clause(start, end, "文头", level="front"))
            clause_article.append(None)
            clause_para.append(0)
            continue
        marker = markers[ln]
        if marker is not None:
            while stack and stack[-1][0].rank >= marker.rank:
                stack.pop()
            parent = stack[-1][2] if stack else None
            stack.append((marker, display(marker, legal), len(clauses)))
            if marker.kind == "article":
                article_idx += 1
                paragraph = 1
                para_counts[article_idx] = 1
            level = marker.kind
        else:
            if legal and stack and any(m[0].kind == "article" for m in stack):
                # a plain line inside an article opens a new paragraph (款) and closes its items
                while stack and stack[-1][0].kind != "article":
                    stack.pop()
                paragraph += 1
                para_counts[article_idx] = paragraph
            elif not stack:
                body_para += 1
            parent = stack[-1][2] if stack else None
            level = "body"
        loc = "".join(d for m, d, _ in stack if m.kind not in hidden)
        if not loc:
            chapter = "".join(d for _, d, _ in stack)
            loc = chapter or f"正文第{_cn_number(body_para)}段"
        clauses.append(Clause(start, end, loc, heading=marker.text if marker else "", level=level, parent=parent))
        in_article = any(m[0].kind == "article" for m in stack)
        clause_article.append(article_idx if in_article else None)
        clause_para.append(paragraph if in_article else 0)

    # Show 第N款 only where an article has more than one paragraph.
    for idx, clause in enumerate(clauses):
        art = clause_article[idx]
        if art is not None and para_counts.get(art, 1) > 1:
            m = _ARTICLE_LOCATION.match(clause.location)
            if m:
                clause.location = f"{m.group(1)}第{_cn_number(clause_para[idx])}款{m.group(2)}"

    sentences: list[Sentence] = []
    for idx, clause in enumerate(clauses):
        if clause.level == "title":  # a wrapped title is one sentence
            sentences.append(Sentence(clause.start, clause.end, clause.location, idx, is_title=True))
            continue
        for a, b in _sentences(text, clause.start, clause.end):
            sentences.append(Sentence(a, b, clause.location, idx, is_title=clause.level == "title"))
    return Structure(title=title, title_span=title_span, clauses=clauses, sentences=sentences)
