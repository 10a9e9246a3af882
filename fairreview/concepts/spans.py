"""Labelled spans over one sentence: the concept layer between structure and rules.

A rule says what a violation is ("a place + a registration verb, as a condition") instead of how one
report worded it. The words it composes are **spans** found by registered providers (``PLACE``, ``ORG``,
``GOV``, ``PARTY``, ``ROLE``; see :mod:`fairreview.concepts.registry`) and **term classes** defined once in
``lexicons/classes.yaml`` (``$register``, ``$benefit`` …).

A :class:`SentenceView` is to a sentence what spaCy's ``Doc`` is to a text, kept small: the sentence text,
its comma-clauses, the term hits of the one automaton pass, the lead-in of the list it belongs to, the
document context, and the spans of each label, computed on first use (most sentences never reach a rule,
so most never pay for span tagging).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

#: Span labels that providers produce.
LABELS = ("PLACE", "ORG", "GOV", "PARTY", "ROLE")


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled stretch of a sentence (offsets relative to the sentence text)."""

    start: int
    end: int
    label: str
    kind: str = ""  # refines the label: PLACE deictic/admin/town/park/placeholder/national/outside …
    text: str = ""

    def __len__(self) -> int:
        return self.end - self.start


# Comma-clauses (分句): the unit in which negation, exclusions and most frames are read. "、" joins
# coordinated words inside a clause and does not split it.
_CLAUSE_BREAK = re.compile(r"[,;:。!?]")


def comma_clauses(text: str) -> list[tuple[int, int]]:
    """Boundaries of the comma-clauses of ``text`` (normalised: ，；： are , ; :)."""
    out = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out or [(0, len(text))]


#: What a document is: a 地方性法规 may set licences and filing by law; an agreement names its parties.
DOC_KINDS = frozenset({"policy", "regulation", "agreement", "procurement"})
DOC_KINDS_ZH = {"policy": "政策文件", "regulation": "法规、规章", "agreement": "协议、合同", "procurement": "招标、采购文件"}


@dataclass
class DocContext:
    """What the whole document says that changes how one sentence reads."""

    title: str = ""
    kind: str = "policy"  # policy / regulation / agreement / procurement
    #: sentences (document offsets) that define the document's beneficiaries by locality
    #: ("本办法所称企业，是指注册地和财政收入在X区的企业")
    local_definition: str | None = None


Provider = Callable[["SentenceView"], list[Span]]


@dataclass
class SentenceView:
    text: str
    offset: int = 0  # start of the sentence in the normalised document text
    hits: dict[str, list[int]] = field(default_factory=dict)  # automaton term → starts in the sentence
    lead: str = ""  # the lead-in sentence(s) of the list the sentence is an item of ("下列条件：")
    doc: DocContext = field(default_factory=DocContext)
    providers: dict[str, Provider] = field(default_factory=dict, repr=False)
    heading: str = ""  # the short heading of the section the sentence stands in (gates read it, exclusions don't)
    _spans: dict[str, list[Span]] = field(default_factory=dict, repr=False)
    _clauses: list[tuple[int, int]] | None = field(default=None, repr=False)
    _clause_starts: list[int] | None = field(default=None, repr=False)
    #: occurrences of each expression in the text, by its source (:func:`fairreview.match.frames.occurrences_of`)
    occ: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict, repr=False)

    # -- structure inside the sentence ----------------------------------------------------------------
    @property
    def clauses(self) -> list[tuple[int, int]]:
        if self._clauses is None:
            self._clauses = comma_clauses(self.text)
            self._clause_starts = [a for a, _ in self._clauses]
        return self._clauses

    def clause_index(self, pos: int) -> int:
        """Index of the comma-clause that holds position ``pos`` (a break belongs to the clause before)."""
        self.clauses  # noqa: B018 - computes the starts
        assert self._clause_starts is not None
        return max(0, bisect.bisect_right(self._clause_starts, pos) - 1)

    def clause_at(self, pos: int) -> tuple[int, int]:
        return self.clauses[self.clause_index(pos)]

    def same_clause(self, a: int, b: int) -> bool:
        return self.clause_index(a) == self.clause_index(max(a, b - 1))

    # -- spans ------------------------------------------------------------------------------------------
    def spans(self, label: str) -> list[Span]:
        got = self._spans.get(label)
        if got is None:
            provider = self.providers.get(label)
            got = sorted(provider(self), key=lambda s: (s.start, -s.end)) if provider else []
            self._spans[label] = got
        return got

    def span_group(self) -> dict[str, list[Span]]:
        """Every label's spans (computes them all): for display and tests."""
        return {label: self.spans(label) for label in self.providers}
