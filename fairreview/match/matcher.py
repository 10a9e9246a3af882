"""Match: lexicon rules over a document's sentences.

Candidates come from one Aho–Corasick pass over the words that patterns need (:mod:`.prefilter`): only a
sentence that meets every need of a pattern becomes a :class:`~fairreview.concepts.spans.SentenceView`,
gets its spans, and sees the frame, its gates, its scoped constraints, polarity and the 条例 Art. 12
exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ..concepts.registry import build_providers
from ..concepts.spans import DocContext, SentenceView
from ..model import Clause, Sentence, Structure
from ..regex import Regex
from .context import gate, holds
from .exceptions import art12_exception
from .frames import FrameHit, find
from .lexicon import Lexicon, Pattern, Rule
from .polarity import chained_ban, lead_in_polarity, polarity
from .prefilter import Candidate, Prefilter
from .segmenter import Segmenter


@dataclass
class Match:
    rule: Rule
    sentence: Sentence
    evidence: list[str]
    severity: str
    note: str | None = None
    head: int = 0  # offset of the matched words in the normalised text


_AGREEMENT_TITLE = re.compile(r"协议|合同|备忘录|协议书")
# "2018年12月27日北京市第十五届人民代表大会常务委员会第十次会议通过": a local regulation (地方性法规)
_ADOPTED_BY_CONGRESS = re.compile(r"人民代表大会(常务委员会)?[^。\n]{0,30}(通过|批准)")
_PROCUREMENT = re.compile(r"招标文件|采购文件|磋商文件|谈判文件|询价文件|评分标准|评分办法|招标公告|采购公告|比选文件")


_LABEL_BREAK = re.compile(r"(?<=[。;:])")
_MAX_ITEMS_BACK = 80  # clauses an item may stand after its lead-in (earlier items and their sub-items)


def document_context(text: str, structure: Structure) -> DocContext:
    title = structure.title or ""
    head = text[:3000]
    if _AGREEMENT_TITLE.search(title) or (text.count("甲方") >= 2 and text.count("乙方") >= 2):
        kind = "agreement"
    elif _PROCUREMENT.search(title) or _PROCUREMENT.search(head):
        kind = "procurement"
    elif title.endswith("条例") or _ADOPTED_BY_CONGRESS.search(text[:400]):
        kind = "regulation"
    else:
        kind = "policy"
    return DocContext(title=title, kind=kind)


T = TypeVar("T")


def _once(fn: Callable[[], T]) -> Callable[[], T]:
    """``fn``, called the first time only (functools.cache costs more to set up than most sentences use)."""
    got: list[T] = []

    def value() -> T:
        if not got:
            got.append(fn())
        return got[0]

    return value


class Matcher:
    def __init__(self, lexicon: Lexicon, segmenter: Callable[[], Segmenter] | None = None):
        self.lexicon = lexicon
        self.classes = lexicon.classes
        self.providers = build_providers(self.classes)
        self._segmenter_factory = segmenter
        self._segmenter: Segmenter | None = None
        self.prefilter = Prefilter(lexicon.rules, self.classes, lexicon.planned_needs())
        ban = self.classes.get("restated_ban")
        self.ban = ban.regex if ban is not None else Regex("不得|禁止|严禁")

    @property
    def segmenter(self) -> Segmenter | None:
        if self._segmenter is None and self._segmenter_factory is not None:
            self._segmenter = self._segmenter_factory()
        return self._segmenter

    # -- context of a sentence ------------------------------------------------------------------------------
    @staticmethod
    def lead_text(text: str, structure: Structure, sentence: Sentence) -> tuple[str, str]:
        """(lead-in, heading) of the sentence. The lead-in is the 总起句 of the list it is an item of ("申请人应
        符合下列条件：") and the labels before it in its own clause ("申报条件。"); the heading is the short
        title of the section it stands in ("二、支持企业做大做强"). Gates read both; exclusions read only the
        lead-in, so that a section about 住房 does not silence a reward clause inside it."""
        parts: list[str] = []
        headings: list[str] = []
        clauses = structure.clauses
        own = clauses[sentence.clause] if 0 <= sentence.clause < len(clauses) else None
        if own is not None:
            label = text[own.start : sentence.start].strip()
            tail = [p for p in _LABEL_BREAK.split(label) if p.strip()]
            # labels ("资格要求：", "申报条件。") earlier in the clause, and the sentence just before
            parts.extend(p for p in tail[:-1] if p.rstrip().endswith(":") and len(p) <= 40)
            last = tail[-1] if tail else ""
            if last and (len(last) <= 30 or last.rstrip().endswith(":")):
                parts.append(last)
            sibling = Matcher._sibling_lead(text, clauses, sentence.clause)
            if sibling:
                parts.append(sibling)
            idx = own.parent
            depth = 0
            while idx is not None and depth < 2:
                c = clauses[idx]
                body = text[c.start : c.end].strip()
                # a lead-in (总起句 ending in "：") governs its items, a short heading its section; a whole
                # article does not
                if body.endswith(":"):
                    parts.append(body)
                elif len(body) <= 30 and "。" not in body:
                    headings.append(body)
                idx = c.parent
                depth += 1
        return "\n".join(reversed(parts)), "\n".join(reversed(headings))

    @staticmethod
    def _sibling_lead(text: str, clauses: list[Clause], index: int) -> str:
        """The 总起句 a list item follows when it is not the item's parent: a paragraph ending in "：" just
        before the list, under the same parent ("申报企业应当符合下列条件：" then "（一）…" "（二）…" as its
        siblings, in a policy section or an article's second 款). Earlier items of the list and what they
        hold are passed over; anything else between stops the search."""
        own = clauses[index]
        if own.level in ("body", "title", "front", ""):
            return ""
        k = index - 1
        for _ in range(_MAX_ITEMS_BACK):
            if k < 0 or k == own.parent:
                return ""
            c = clauses[k]
            if c.parent == own.parent and c.level != own.level:
                body = text[c.start : c.end].strip()
                return body if c.level == "body" and body.endswith(":") else ""
            k -= 1  # an earlier item of the list, or a line inside one
        return ""

    @staticmethod
    def scope_text(text: str, structure: Structure, sentence: Sentence) -> str:
        """The clause holding the sentence plus the lead-in sentences of its enclosing clauses."""
        parts = []
        idx: int | None = sentence.clause
        depth = 0
        while idx is not None and depth < 4:
            c = structure.clauses[idx]
            parts.append(text[c.start : c.end])
            idx = c.parent
            depth += 1
        return "\n".join(reversed(parts))

    # -- the document -----------------------------------------------------------------------------------------
    def match(self, text: str, structure: Structure, doc: DocContext | None = None) -> list[Match]:
        sentences = structure.sentences
        doc = doc or document_context(text, structure)
        by_trigger = self.prefilter.for_document(doc, self.classes)
        todo = self.prefilter.plan(text, [(s.start, s.end) for s in sentences], by_trigger)
        out: list[Match] = []
        for k in sorted(todo):
            sent = sentences[k]
            out.extend(self._match_sentence(text, structure, k, text[sent.start : sent.end], todo[k], doc))
        return out

    def _chained(self, text: str, structure: Structure, k: int, body: str) -> bool:
        """The sentence continues, after "；", a ban of the sentences before it in its clause."""
        sentences = structure.sentences
        clause = sentences[k].clause
        if k == 0 or sentences[k - 1].clause != clause:
            return False
        previous: list[str] = []
        j = k - 1
        while j >= 0 and sentences[j].clause == clause and len(previous) < 8:
            previous.append(text[sentences[j].start : sentences[j].end])
            j -= 1
        return bool(previous) and chained_ban(previous[::-1], body, self.ban).negated

    def _match_sentence(self, text: str, structure: Structure, k: int, body: str,
                        todo: list[Candidate], doc: DocContext) -> list[Match]:
        sent = structure.sentences[k]
        lead, heading = self.lead_text(text, structure, sent)
        view = SentenceView(body, sent.start, {}, lead, doc, self.providers, heading=heading)
        # the ban a list item inherits from its lead-in, or a sentence from the one it continues after "；"
        lead_negated = _once(lambda: (bool(lead) and lead_in_polarity(lead).negated)
                             or self._chained(text, structure, k, body))
        scope = _once(lambda: self.scope_text(text, structure, sent))
        out: list[Match] = []
        done: set[str] = set()
        for c in todo:
            rule = c.rule
            if rule.code in done:
                continue
            hit = self._first_hit(rule, c.pattern, view, lead_negated)
            if hit is None or (rule.exceptions and any(t in scope() for t in rule.exceptions)):
                continue
            severity, note = c.pattern.severity or rule.severity, None
            reason = art12_exception(scope()) if severity in ("error", "warning") else None
            if reason:
                severity, note = "info", reason
            words = [w for _, _, w in sorted(hit.parts)]  # in reading order: the first is where the match starts
            out.append(Match(rule, sent, list(dict.fromkeys(words)), severity, note, sent.start + hit.head))
            done.add(rule.code)
        return out

    def _first_hit(self, rule: Rule, pat: Pattern, view: SentenceView,
                   lead_negated: Callable[[], bool]) -> FrameHit | None:
        negation = rule.negation if pat.negation is None else pat.negation
        classes = self.classes
        for hit in find(pat.frame, view, classes):
            if pat.word and not self._on_boundaries(view.text, hit.parts[0]):
                continue
            if pat.when and not any(gate(g, view, hit, classes) for g in pat.when):
                continue
            if not all(holds(c, view, hit, classes) for c in pat.with_):
                continue
            if any(holds(c, view, hit, classes) for c in pat.unless):
                continue
            if negation and (lead_negated() or polarity(view, hit.head, self.ban, hit.parts).negated):
                continue
            return hit
        return None

    def _on_boundaries(self, st: str, part: tuple[int, int, str]) -> bool:
        seg = self.segmenter
        if seg is None:
            return True
        b = seg.boundaries(st)
        return part[0] in b and part[1] in b
