"""The data that flows through the pipeline: read → structure → match → conclude → report.

Everything here is a dataclass with typed fields; no module reads another's data by dictionary key.
``to_dict`` gives the JSON contract (docs/json.md: keys are added, never removed or renamed, and optional
keys appear only when they have a value). ``DocumentResult.to_record`` / ``from_record`` add what a stored
result needs beyond the contract (the clause outline and the document sketch), so that a verdict can be
recomputed and a document recognised from a stored result without reading the file again.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field, fields
from typing import Any

from .report.labels import VERDICT_ZH, summary_line

SEVERITIES = ("error", "warning", "info")
FLAGGING = frozenset({"error", "warning"})
VERDICTS = ("retain", "amend", "repeal", "expired", "error")


def tally(verdicts: list[tuple[str, Assessment | None]]) -> dict[str, int]:
    """The summary counts of (verdict, assessment) pairs; a reviewer's final verdict comes without an
    assessment and counts only as that verdict. Keys are added, never removed (docs/json.md)."""
    out = {"documents": len(verdicts), **{v: 0 for v in VERDICTS}}
    extra = dict.fromkeys(("competition", "amend_legality", "amend_tentative", "amend_continued",
                           "expired_restrictive", "to_check"), 0)
    for verdict, a in verdicts:
        out[verdict] += 1
        if a is None:
            continue
        driven = a.grounds == "competition" and verdict in ("amend", "repeal")
        extra["competition"] += driven
        extra["amend_legality"] += verdict == "amend" and a.grounds == "legality"
        extra["amend_tentative"] += driven and a.tentative
        extra["amend_continued"] += verdict == "amend" and a.continued
        extra["expired_restrictive"] += verdict == "expired" and a.restrictive
        extra["to_check"] += bool(a.checks)
    return {**out, **extra}


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))  # once per class: a re-scan rebuilds thousands of results


@functools.cache
def _field_order(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


_ATOMS = (str, int, float, bool, type(None))


def as_data(value: Any) -> Any:
    """:func:`dataclasses.asdict` (the same dicts, lists and copies), without its generic ``deepcopy`` of
    every string and number: a report's dicts are built for every finding of every document."""
    kind: type = type(value)
    if kind in _ATOMS:
        return value  # immutable: deepcopy would return it as it is
    if kind is list:
        return [as_data(v) for v in value]
    if hasattr(kind, "__dataclass_fields__"):
        return {name: as_data(getattr(value, name)) for name in _field_order(kind)}
    return _as_data_other(value)


def _as_data_other(value: Any) -> Any:
    """What :func:`dataclasses.asdict` does with a value that is not a field of the model's usual types."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*[as_data(v) for v in value])
    if isinstance(value, list | tuple):
        return type(value)(as_data(v) for v in value)
    if isinstance(value, dict):
        return type(value)((as_data(k), as_data(v)) for k, v in value.items())
    return copy.deepcopy(value)


def _known(cls: type, d: dict[str, Any]) -> dict[str, Any]:
    names = _field_names(cls)
    return {k: v for k, v in d.items() if k in names}


# -- structure ------------------------------------------------------------------------------------------
@dataclass
class Sentence:
    """A sentence of the normalised text, with its place in the clause tree."""

    start: int  # offsets in the normalised text
    end: int
    location: str  # e.g. "第五条第（二）项", "三、（二）", "标题"
    clause: int  # index of the enclosing clause (paragraph / item) in Structure.clauses
    is_title: bool = False


@dataclass
class Clause:
    """A structural unit that holds text: an article paragraph (款), an item (项) or a policy paragraph."""

    start: int
    end: int
    location: str
    heading: str = ""  # the marker that opened it, e.g. "第五条", "（二）", "三、"
    level: str = ""  # chapter / article / paragraph / item / subitem / body
    parent: int | None = None  # the clause whose marker encloses this one (its lead-in sentence, 总起句)


@dataclass
class Structure:
    title: str | None
    title_span: tuple[int, int] | None
    clauses: list[Clause]
    sentences: list[Sentence]


@dataclass
class Outline:
    """What the verdict needs of a document's clause tree, kept with the result (the tree itself is not)."""

    operative_clauses: int = 0  # clauses with a sentence outside the title and the front matter
    #: what each clause is for (structure/roles.py: title, front, heading, aim, closing, measure)
    roles: list[str] = field(default_factory=list)


# -- what a finding carries besides the match -------------------------------------------------------------
@dataclass
class SupersededLaw:
    """The repealed or replaced law an LG001 finding cites (from fairreview/data/superseded.yaml)."""

    title: str
    status: str  # repealed | replaced | amended
    date: str
    replaced_by: str


@dataclass
class PrecedentMatch:
    """The most similar clause of a published case (display only: it never changes a finding)."""

    id: str
    text: str
    document: str
    issuer: str
    source: str
    fcr_equivalent: list[str]
    score: float


@dataclass
class DecisionRecord:
    """The reviewer's latest decision on a finding."""

    kind: str  # confirmed | dismissed | exception | reopened
    reason: str | None
    deadline: str | None
    reviewer: str
    decided_at: str
    id: int


@dataclass
class NoteRecord:
    text: str
    reviewer: str
    noted_at: str


@dataclass
class FindingReview:
    """Review state of a finding, set after the scan (review/apply.py); empty when no database is used."""

    fingerprint: str | None = None  # the sentence fingerprint decisions are keyed by
    notes: list[NoteRecord] = field(default_factory=list)
    decision: DecisionRecord | None = None
    status: str | None = None  # confirmed | dismissed | exception | exception_expired; None: undecided
    baseline: str | None = None  # new | unchanged, when a baseline is in use

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.fingerprint is not None:
            d["fingerprint"] = self.fingerprint
        if self.notes:
            d["review_notes"] = [as_data(n) for n in self.notes]
        if self.decision is not None:
            d["decision"] = as_data(self.decision)
        if self.status is not None:
            d["review_status"] = self.status
        if self.baseline is not None:
            d["baseline"] = self.baseline
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FindingReview:
        decision = d.get("decision")
        return cls(
            fingerprint=d.get("fingerprint"),
            notes=[NoteRecord(**_known(NoteRecord, n)) for n in d.get("review_notes") or ()],
            decision=DecisionRecord(**_known(DecisionRecord, decision)) if decision else None,
            status=d.get("review_status"),
            baseline=d.get("baseline"),
        )


# -- findings and documents -------------------------------------------------------------------------------
@dataclass
class Finding:
    rule: str
    name: str
    provisions: list[str]
    severity: str
    location: str
    start: int  # offsets of the sentence in the extracted (original) text
    end: int
    text: str
    evidence: list[str]
    message: str
    suggestion: str
    title: str = ""  # the rule's Chinese title
    note: str | None = None  # e.g. why a finding was downgraded (条例第十二条 exception)
    clause: int | None = None  # the clause it counts against for 废止 (None: it never does, e.g. LG001)
    trigger_start: int = 0  # offset of the matched words in the extracted text
    line: int = 0  # 1-based line and column (in characters) of ``start`` in the extracted text; 0: unknown
    column: int = 0
    sentence_clause: int | None = None  # LG001: the clause the citing sentence is in
    superseded: SupersededLaw | None = None  # LG001: the law cited
    precedent: PrecedentMatch | None = None
    review: FindingReview = field(default_factory=FindingReview)

    def flags(self) -> bool:
        return self.severity in FLAGGING

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "provisions": list(self.provisions),
            "severity": self.severity,
            "location": self.location,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "evidence": list(self.evidence),
            "message": self.message,
            "suggestion": self.suggestion,
            "title": self.title,
            "note": self.note,
            "clause": self.clause,
        }
        if self.superseded is not None:
            d["sentence_clause"] = self.sentence_clause
        d["trigger_start"] = self.trigger_start
        if self.line:
            d["line"], d["column"] = self.line, self.column
        if self.superseded is not None:
            d["superseded"] = as_data(self.superseded)
        if self.precedent is not None:
            d["precedent"] = as_data(self.precedent)
        d.update(self.review.to_dict())
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        """Inverse of :meth:`to_dict`."""
        plain = {k: v for k, v in _known(cls, d).items() if k not in ("superseded", "precedent", "review")}
        superseded, precedent = d.get("superseded"), d.get("precedent")
        return cls(
            **plain,
            superseded=SupersededLaw(**_known(SupersededLaw, superseded)) if superseded else None,
            precedent=PrecedentMatch(**_known(PrecedentMatch, precedent)) if precedent else None,
            review=FindingReview.from_dict(d),
        )


@dataclass
class Meta:
    """What a document says about itself (文号, 发文机关, dates)."""

    doc_number: str | None = None
    issuer: str | None = None
    issued: str | None = None
    effective: str | None = None
    expires: str | None = None
    #: the document's period as written when its start date is not in the text ("有效期1年"): the clerk checks
    period: str | None = None
    #: the sentence saying what it granted goes on after it ends ("…未兑现的奖励按原政策继续执行")
    continues: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return as_data(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Meta:
        return cls(**_known(cls, d))


@dataclass
class Assessment:
    """How the recommendation was reached (docs/conclusions.md), beside the verdict code it explains."""

    label: str = ""  # the conclusion as a clerk reads it: 修改（疑似，待复核）, 失效（含限制竞争内容，…）
    grounds: str = "none"  # what drives the verdict: competition | legality | validity | unreadable | none
    tentative: bool = False  # driven only by 疑似 (warning) findings nobody has confirmed
    restrictive: bool = False  # it has competition findings that count (an expired document too)
    continued: bool = False  # its validity ended, but it says what it granted goes on being applied
    problems: int = 0  # distinct competition problems (one reason line each)
    legality_notes: int = 0  # superseded legal bases (LG001)
    hints: int = 0  # 提示 (info) findings
    checks: list[str] = field(default_factory=list)  # what the clerk must check by hand

    def to_dict(self) -> dict[str, Any]:
        return as_data(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Assessment:
        return cls(**_known(cls, d))


@dataclass
class ReviewCounts:
    """Flagged findings that review took out of the verdict."""

    dismissed: int
    exceptions: int


@dataclass
class FinalVerdict:
    """The reviewer's conclusion on a document, which wins over the recommendation."""

    verdict: str  # retain | amend | repeal | expired
    reason: str
    recommended: str | None
    reviewer: str
    decided_at: str
    needs_review: bool  # findings appeared after the conclusion was set (the document was edited since)
    unreviewed_findings: list[str]

    def to_dict(self) -> dict[str, Any]:
        d = as_data(self)
        return {"verdict": d.pop("verdict"), "verdict_zh": VERDICT_ZH[self.verdict], **d}


@dataclass
class DocumentReview:
    """Review state of a document, set after the scan (review/apply.py)."""

    document_id: int | None = None
    scan_verdict: str | None = None  # the recommendation before decisions, when decisions changed it
    scan_reasons: list[str] = field(default_factory=list)
    counts: ReviewCounts | None = None
    final: FinalVerdict | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.document_id is not None:
            d["document_id"] = self.document_id
        if self.scan_verdict is not None:
            d["scan_verdict"] = self.scan_verdict
            d["scan_reasons"] = list(self.scan_reasons)
        if self.counts is not None:
            d["review"] = as_data(self.counts)
        if self.final is not None:
            d["final_verdict"] = self.final.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocumentReview:
        counts, final = d.get("review"), d.get("final_verdict")
        return cls(
            document_id=d.get("document_id"),
            scan_verdict=d.get("scan_verdict"),
            scan_reasons=list(d.get("scan_reasons") or ()),
            counts=ReviewCounts(**_known(ReviewCounts, counts)) if counts else None,
            final=FinalVerdict(**_known(FinalVerdict, final)) if final else None,
        )


@dataclass
class DocumentResult:
    path: str
    title: str | None = None
    encoding: str | None = None
    format: str | None = None
    verdict: str = "retain"
    reasons: list[str] = field(default_factory=list)
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)
    chars: int = 0
    sha256: str | None = None
    outline: Outline | None = None  # None when the document could not be read
    # bottom-k sketch of the text (review/fingerprint.py): how review recognises an edited or re-exported
    # version; computed for documents with findings, the ones a review can record decisions on
    sketch: list[int] = field(default_factory=list)
    review: DocumentReview = field(default_factory=DocumentReview)
    assessment: Assessment = field(default_factory=Assessment)

    @property
    def flagged(self) -> list[Finding]:
        return [f for f in self.findings if f.flags()]

    @property
    def verdict_label(self) -> str:
        """The recommendation as a clerk reads it (修改（疑似，待复核）…); the plain verdict for a result
        stored before assessments existed."""
        return self.assessment.label or VERDICT_ZH[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "encoding": self.encoding,
            "format": self.format,
            "verdict": self.verdict,
            "verdict_zh": VERDICT_ZH[self.verdict],
            "reasons": list(self.reasons),
            "assessment": self.assessment.to_dict(),
            "error": self.error,
            "meta": self.meta.to_dict(),
            "chars": self.chars,
            "sha256": self.sha256,
            "findings": [f.to_dict() for f in self.findings],
            **self.review.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocumentResult:
        """Inverse of :meth:`to_dict` (``verdict_zh`` is derived)."""
        plain = {k: v for k, v in _known(cls, d).items()
                 if k not in ("findings", "meta", "outline", "sketch", "review", "assessment")}
        return cls(
            **plain,
            findings=[Finding.from_dict(f) for f in d.get("findings", ())],
            meta=Meta.from_dict(d.get("meta") or {}),
            review=DocumentReview.from_dict(d),
            assessment=Assessment.from_dict(d.get("assessment") or {}),
        )

    def to_record(self) -> dict[str, Any]:
        """What a stored result keeps: the JSON contract plus the outline and the sketch."""
        outline = as_data(self.outline) if self.outline is not None else None
        return {**self.to_dict(), "outline": outline, "sketch": list(self.sketch)}

    @classmethod
    def from_record(cls, d: dict[str, Any]) -> DocumentResult:
        """Inverse of :meth:`to_record`; a record without the outline or the sketch raises KeyError."""
        doc = cls.from_dict(d)
        outline = d["outline"]
        doc.outline = Outline(**_known(Outline, outline)) if outline is not None else None
        doc.sketch = [int(x) for x in d["sketch"]]
        return doc


@dataclass
class Report:
    version: str
    lexicon_version: str
    segmenter: str
    documents: list[DocumentResult]
    as_of: str | None = None

    def summary(self) -> dict[str, int]:
        """Documents per recommended verdict, and how many of them are so for each kind of reason."""
        return tally([(d.verdict, d.assessment) for d in self.documents])

    def summary_line(self) -> str:
        return summary_line(self.summary())

    def to_dict(self) -> dict[str, Any]:
        return {
            "fairreview": self.version,
            "lexicon_version": self.lexicon_version,
            "segmenter": self.segmenter,
            "as_of": self.as_of,
            "documents": [d.to_dict() for d in self.documents],
            "summary": self.summary(),
        }
