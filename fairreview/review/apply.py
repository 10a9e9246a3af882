"""Apply the reviewers' decisions and the baseline to a finished scan.

This runs after the per-document scan, over :class:`~fairreview.model.Report` objects only, so that caching
and parallel scanning of documents stay pure; it works on stored (cached) results as well as fresh ones and
never reads a document again (a result carries its clause outline and its text sketch). It fills in the
review fields (never removes anything): per finding ``fingerprint``, ``review_status``, ``decision``,
``review_notes``, ``baseline``; per document ``document_id``, ``scan_verdict`` / ``scan_reasons`` (before
decisions), ``final_verdict`` and ``review``.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass

from ..conclude import conclude
from ..model import (
    DecisionRecord,
    DocumentResult,
    FinalVerdict,
    Finding,
    NoteRecord,
    Report,
    ReviewCounts,
)
from ..report.labels import verdict_label
from ..settings import Workspace
from .fingerprint import DocIdentity, identity_of, sentence_fingerprint
from .status import SUPPRESSING, counts, status
from .store import Conclusion, Decision, Key, Note, Store, StoreError


def finding_key(f: Finding) -> Key:
    return f.rule, f.review.fingerprint or sentence_fingerprint(f.text)


def doc_identity(doc: DocumentResult, with_sketch: bool = True) -> DocIdentity:
    return identity_of(doc.sha256, doc.title, doc.meta.doc_number, doc.sketch if with_sketch else [])


def resolve_document(store: Store, doc: DocumentResult) -> int | None:
    found = store.document_by_sha(doc.sha256)
    if found is not None:
        return found
    if not doc.findings:
        # only a final conclusion can apply: the title (and 文号) will do
        return store.resolve(doc_identity(doc, with_sketch=False)) if doc.title else None
    return store.resolve(doc_identity(doc))


def register_document(store: Store, doc: DocumentResult) -> int:
    """Create or find the document in the store (review, decide and baseline write; scan only reads)."""
    return store.register(doc_identity(doc), path=os.path.abspath(doc.path), fmt=doc.format)


@dataclass
class ApplySummary:
    documents_known: int = 0
    decided: int = 0
    dismissed: int = 0
    exceptions: int = 0
    expired_exceptions: int = 0
    baseline_hidden: int = 0
    finals: int = 0
    baseline_in_use: bool = False


def apply_review(report: Report, store: Store, use_decisions: bool = True,
                 use_baseline: bool = True) -> ApplySummary:
    """Mark every finding with its decision, recompute conclusions without dismissed findings (in place)."""
    as_of = report.as_of or ""
    summary = ApplySummary(baseline_in_use=use_baseline and store.has_baseline())
    for doc in report.documents:
        for f in doc.findings:
            f.review.fingerprint = sentence_fingerprint(f.text)
        doc_id = resolve_document(store, doc)
        if doc_id is None:
            if summary.baseline_in_use:
                for f in doc.findings:
                    f.review.baseline = "new"
            continue
        summary.documents_known += 1
        doc.review.document_id = doc_id
        if use_decisions:
            apply_document(doc, doc_id, store, as_of, summary)
        if summary.baseline_in_use:
            known = store.baseline_keys(doc_id)
            for f in doc.findings:
                hit = finding_key(f) in known
                f.review.baseline = "unchanged" if hit else "new"
                summary.baseline_hidden += hit and f.flags()
    return summary


def apply_from_database(report: Report, workspace: Workspace, use_decisions: bool = True,
                        use_baseline: bool = True) -> ApplySummary | None:
    """Decisions and baseline from the workspace's database, when it exists (what ``scan`` and ``ledger``
    do after scanning). A database that was chosen (option or configuration) must exist."""
    if not (use_decisions or use_baseline):
        return None
    path = workspace.db_path
    if not path.exists():
        if workspace.db_chosen:
            raise StoreError(f"复核数据库不存在：{path}")
        return None
    with Store.open(path, create=False) as store:
        return apply_review(report, store, use_decisions=use_decisions, use_baseline=use_baseline)


def apply_document(doc: DocumentResult, doc_id: int, store: Store, as_of: str,
                   summary: ApplySummary | None = None) -> None:
    """Decisions, notes and the final conclusion of one (known) document, in place."""
    summary = summary or ApplySummary()
    latest = store.latest_decisions(doc_id)
    notes = store.notes(doc_id)
    for f in doc.findings:
        if f.review.fingerprint is None:
            f.review.fingerprint = sentence_fingerprint(f.text)
        key = finding_key(f)
        if key in notes:
            f.review.notes = [_note(n) for n in notes[key]]
        d = latest.get(key)
        if d is not None and d.kind != "reopened":
            _mark_decision(f, d, as_of, summary)
    if any(f.flags() and status(f) in SUPPRESSING for f in doc.findings):
        _reconclude(doc, as_of)
    elif doc.assessment.tentative and any(f.flags() and status(f) == "confirmed" for f in doc.findings):
        conclude(doc, as_of)  # a confirmed 疑似 finding is no longer tentative: same findings, firmer conclusion
    final = store.latest_conclusion(doc_id)
    if final is not None:
        summary.finals += 1
        doc.review.final = _final_verdict(doc, final)


def _note(n: Note) -> NoteRecord:
    return NoteRecord(text=n.text, reviewer=n.reviewer, noted_at=n.noted_at)


def _mark_decision(f: Finding, d: Decision, as_of: str, summary: ApplySummary) -> None:
    f.review.decision = DecisionRecord(kind=d.kind, reason=d.reason, deadline=d.deadline, reviewer=d.reviewer,
                                       decided_at=d.decided_at, id=d.id)
    if d.kind == "exception" and d.deadline is not None and d.deadline < as_of:
        f.review.status = "exception_expired"  # the time limit passed: a finding again
        summary.expired_exceptions += 1
    else:
        f.review.status = d.kind
        summary.dismissed += d.kind == "dismissed"
        summary.exceptions += d.kind == "exception"
    summary.decided += 1


def _final_verdict(doc: DocumentResult, final: Conclusion) -> FinalVerdict:
    known = final.known()
    # findings that appeared after the conclusion was set (the document was edited since)
    unseen = [f for f in doc.findings if counts(f) and status(f) == "open" and finding_key(f) not in known]
    return FinalVerdict(
        verdict=final.conclusion,
        reason=final.reason,
        recommended=final.recommended,
        reviewer=final.reviewer,
        decided_at=final.decided_at,
        needs_review=bool(unseen),
        unreviewed_findings=[f"{f.location} {f.rule}" for f in unseen],
    )


def _reconclude(doc: DocumentResult, as_of: str) -> None:
    """The verdict rule again, on the findings that still count (same rule, same outline)."""
    shadow = copy.copy(doc)
    shadow.findings = [f for f in doc.findings if not (f.flags() and status(f) in SUPPRESSING)]
    conclude(shadow, as_of)
    verdict = shadow.verdict
    title_cleared = any(f.location == "标题" and status(f) in SUPPRESSING for f in doc.findings)
    if doc.outline is None and doc.verdict == "repeal" and verdict == "amend" and not title_cleared:
        verdict = "repeal"  # without the outline the share of flagged clauses is unknown: keep the scan's
    dismissed = sum(1 for f in doc.findings if f.flags() and status(f) == "dismissed")
    excepted = sum(1 for f in doc.findings if f.flags() and status(f) == "exception")
    doc.review.scan_verdict = doc.verdict
    doc.review.scan_reasons = list(doc.reasons)
    doc.verdict = verdict
    doc.assessment = shadow.assessment
    if verdict != shadow.verdict:  # kept the scan's 废止
        doc.assessment.label = verdict_label(verdict, "competition")
    parts = []
    if dismissed:
        parts.append(f"误报 {dismissed} 处")
    if excepted:
        parts.append(f"适用例外 {excepted} 处（实施期限内）")
    reasons = list(shadow.reasons)
    if verdict == "retain" and reasons:  # not "nothing found": something was found and reviewed away
        reasons[0] = "经人工复核，没有仍需修改的条款"
    doc.reasons = [*reasons, f"经人工复核排除{'、'.join(parts)}"]
    doc.review.counts = ReviewCounts(dismissed=dismissed, exceptions=excepted)
