"""Split normalised text into its clause tree and sentences, each with a location string and a span."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ..model import Clause, Sentence, Structure
from .markers import Marker, display, find_marker
from .title import find_title

# Sentence ends on normalised text (NFKC turned ；！？ into ; ! ?): a run of end marks and the closing quotes
# after it, or a line end. A sentence is the text up to and with its end marks, or a run of end marks alone.
_SENTENCE = re.compile(r"[^。;!?\n]+(?:[。;!?]+[”’\"')]*)?|[。;!?]+[”’\"')]*")
_CN_DIGITS = "〇一二三四五六七八九"
_ARTICLE_LOCATION = re.compile(r"^(第[^条]+条)(.*)$")


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        start = pos
        pos += len(raw) + 1
        body = raw.lstrip()
        if not body:
            continue
        if body[0] == "#":  # leading Markdown heading marks ("# 标题") are layout, like indentation
            body = body.lstrip("#").lstrip()
        stripped = body.rstrip()
        if stripped:
            a = start + len(raw) - len(body)
            out.append((a, a + len(stripped), stripped))
    return out


def _cn_number(n: int) -> str:
    if n >= 100:  # only in malformed layouts (hundreds of paragraphs in one article); digits are clearer
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}"


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The sentences of ``text[start:end]``, without the white space around them."""
    for m in _SENTENCE.finditer(text, start, end):
        seg = m.group(0)
        body = seg.strip()
        if body:
            a = m.start() + len(seg) - len(seg.lstrip())
            yield a, a + len(body)


def parse(text: str, title_hint: str | None = None) -> Structure:
    lines = _lines(text)
    title, title_span, title_lines = _title(lines, title_hint)
    markers = [find_marker(t) for _, _, t in lines]
    tree = _Tree(legal=any(m is not None and m.kind == "article" for m in markers))
    if title_span:
        tree.add(Clause(title_span[0], title_span[1], "标题", heading="", level="title"), None, 0)
    for ln, (start, end, _line) in enumerate(lines):
        if ln in title_lines:
            continue
        if title_lines and ln < title_lines.start:
            # lines above the title (issuer, 文号) are kept as front matter
            tree.add(Clause(start, end, "文头", level="front"), None, 0)
            continue
        tree.line(start, end, markers[ln])
    tree.number_paragraphs()
    return Structure(title=title, title_span=title_span, clauses=tree.clauses,
                     sentences=_clause_sentences(text, tree.clauses))


def _title(
    lines: list[tuple[int, int, str]], title_hint: str | None
) -> tuple[str | None, tuple[int, int] | None, range]:
    """The title, its span and the lines it takes; a title found in the text wins over the hint (no span)."""
    found = find_title(lines)
    if found:
        i, j = found
        return "".join(t for _, _, t in lines[i:j]), (lines[i][0], lines[j - 1][1]), range(i, j)
    return (title_hint.strip() or None) if title_hint else None, None, range(0)


class _Open(NamedTuple):
    """An open marker, with what the lines under it inherit (worked out once, when it opens)."""

    marker: Marker
    clause: int  # the clause it opened
    location: str  # the displays of the open markers a location shows
    chain: str  # the displays of every open marker
    in_article: bool  # it or one of the markers around it is an article


class _Tree:
    """The clause tree built a line at a time: the open markers (a stack, innermost last) and the counters
    the locations need (款 inside an article, body paragraphs outside any marker)."""

    def __init__(self, legal: bool):
        self.legal = legal  # the document has articles (第N条): plain lines inside one are its paragraphs
        # the units a location leaves out: articles are numbered through chapters (and through 附则)
        self.hidden = ("part", "chapter", "section", "annex") if legal else ("part", "chapter", "section")
        self.stack: list[_Open] = []
        self.paragraph = 0  # 款 counter inside the current article
        self.body_para = 0
        self.article_idx = -1
        self.clauses: list[Clause] = []
        # per clause: its article (index) and paragraph, to decide afterwards whether "第N款" is shown
        self.clause_article: list[int | None] = []
        self.clause_para: list[int] = []
        self.para_counts: dict[int, int] = {}  # article -> number of paragraphs

    def add(self, clause: Clause, article: int | None, para: int) -> None:
        self.clauses.append(clause)
        self.clause_article.append(article)
        self.clause_para.append(para)

    def line(self, start: int, end: int, marker: Marker | None) -> None:
        """A line of the body: it opens a marker's clause or continues the clause around it."""
        if marker is not None:
            parent = self._open(marker)
            level = marker.kind
        else:
            parent = self._plain()
            level = "body"
        top = self.stack[-1] if self.stack else None
        # the open markers less the units a location leaves out; else all of them, else the body paragraph
        location = (top.location or top.chain) if top else f"正文第{_cn_number(self.body_para)}段"
        clause = Clause(start, end, location, heading=marker.text if marker else "", level=level, parent=parent)
        in_article = top is not None and top.in_article
        self.add(clause, self.article_idx if in_article else None, self.paragraph if in_article else 0)

    def _open(self, marker: Marker) -> int | None:
        """Close the markers of the same or a lower rank and open this one; the enclosing clause."""
        while self.stack and self.stack[-1].marker.rank >= marker.rank:
            self.stack.pop()
        outer = self.stack[-1] if self.stack else None
        shown = display(marker, self.legal)
        self.stack.append(_Open(
            marker, len(self.clauses),
            (outer.location if outer else "") + ("" if marker.kind in self.hidden else shown),
            (outer.chain if outer else "") + shown,
            marker.kind == "article" or (outer is not None and outer.in_article)))
        if marker.kind == "article":
            self.article_idx += 1
            self.paragraph = 1
            self.para_counts[self.article_idx] = 1
        return outer.clause if outer else None

    def _plain(self) -> int | None:
        """A line without a marker; the enclosing clause."""
        if self.legal and self.stack and self.stack[-1].in_article:
            # a plain line inside an article opens a new paragraph (款) and closes its items
            while self.stack and self.stack[-1].marker.kind != "article":
                self.stack.pop()
            self.paragraph += 1
            self.para_counts[self.article_idx] = self.paragraph
        elif not self.stack:
            self.body_para += 1
        return self.stack[-1].clause if self.stack else None

    def number_paragraphs(self) -> None:
        """Show 第N款 only where an article has more than one paragraph."""
        for idx, clause in enumerate(self.clauses):
            art = self.clause_article[idx]
            if art is not None and self.para_counts.get(art, 1) > 1:
                m = _ARTICLE_LOCATION.match(clause.location)
                if m:
                    clause.location = f"{m.group(1)}第{_cn_number(self.clause_para[idx])}款{m.group(2)}"


def _clause_sentences(text: str, clauses: list[Clause]) -> list[Sentence]:
    sentences: list[Sentence] = []
    add = sentences.append
    for idx, clause in enumerate(clauses):
        if clause.level == "title":  # a wrapped title is one sentence
            add(Sentence(clause.start, clause.end, clause.location, idx, is_title=True))
            continue
        location = clause.location
        for a, b in _sentences(text, clause.start, clause.end):
            add(Sentence(a, b, location, idx))
    return sentences
