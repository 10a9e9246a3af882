"""Apply the reviewers' decisions and the baseline to a finished scan.

This runs after the per-document scan, over :class:`~fairreview.model.Report` objects only, so that caching
and parallel scanning of documents stay pure. It adds to the JSON (never removes): per finding
``fingerprint``, ``review_status``, ``decision``, ``review_notes``, ``baseline``; per document
``document_id``, ``scan_verdict`` / ``scan_reasons`` (before decisions), ``final_verdict`` and ``review``.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from ..conclude import conclude
from ..model import DocumentResult, Report
from ..read import ReadError, extract, normalize
from ..structure import parse
from .fingerprint import DocIdentity, identity, sentence_fingerprint
from .status import CONCLUSION_ZH, SUPPRESSING, counts, status
from .store import Key, Store

MAX_REREAD_BYTES = 512 * 1024 * 1024

# (text, title hint) of a scanned document, or None when it cannot be had again.
TextSource = Callable[[DocumentResult], "tuple[str, str | None] | None"]


def read_document_text(doc: DocumentResult) -> tuple[str, str | None] | None:
    """Read the document again (only when it is still the bytes that were scanned)."""
    if doc.path.startswith("<") or not os.path.isfile(doc.path):
        return None
    try:
        with open(doc.path, "rb") as fh:
            data = fh.read(MAX_REREAD_BYTES)
        if doc.sha256 and hashlib.sha256(data).hexdigest() != doc.sha256:
            return None
        ex = extract(data, os.path.basename(doc.path))
    except (OSError, ReadError):
        return None
    except Exception:  # a reader bug is reported by the scan itself; here it only costs the text
        return None
    hint = ex.hints.get("title")
    return ex.text, hint if isinstance(hint, str) else None


def finding_key(rule: str, text: str) -> Key:
    return rule, sentence_fingerprint(text)


def doc_identity(doc: DocumentResult, text: str | None) -> DocIdentity:
    return identity(doc.sha256, doc.title, doc.meta.doc_number, text)


class Texts:
    """Document texts, read at most once per apply run and only when needed."""

    def __init__(self, source: TextSource):
        self.source = source
        self.cache: dict[int, tuple[str, str | None] | None] = {}

    def get(self, doc: DocumentResult) -> tuple[str, str | None] | None:
        if id(doc) not in self.cache:
            self.cache[id(doc)] = self.source(doc)
        return self.cache[id(doc)]


def resolve_document(store: Store, doc: DocumentResult, texts: Texts) -> int | None:
    found = store.document_by_sha(doc.sha256)
    if found is not None:
        return found
    if not doc.findings:
        # only a final conclusion can apply: the title (and 文号) will do, without reading the file again
        return store.resolve(doc_identity(doc, None)) if doc.title else None
    got = texts.get(doc)
    return store.resolve(doc_identity(doc, got[0] if got else None))


def register_document(store: Store, doc: DocumentResult, text: str | None) -> int:
    """Create or find the document in the store (review, decide and baseline write; scan only reads)."""
    return store.register(doc_identity(doc, text), path=os.path.abspath(doc.path), fmt=doc.format)


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


def apply_review(
    report: Report,
    store: Store,
    use_decisions: bool = True,
    use_baseline: bool = True,
    text_source: TextSource = read_document_text,
) -> ApplySummary:
    """Mark every finding with its decision, recompute conclusions without dismissed findings (in place)."""
    as_of = report.as_of or ""
    texts = Texts(text_source)
    summary = ApplySummary(baseline_in_use=use_baseline and store.has_baseline())
    for doc in report.documents:
        for f in doc.findings:
            f.extra["fingerprint"] = sentence_fingerprint(f.text)
        doc_id = resolve_document(store, doc, texts)
        if doc_id is None:
            if summary.baseline_in_use:
                for f in doc.findings:
                    f.extra["baseline"] = "new"
            continue
        summary.documents_known += 1
        doc.extra["document_id"] = doc_id
        if use_decisions:
            apply_document(doc, doc_id, store, as_of, texts, summary)
        if summary.baseline_in_use:
            known = store.baseline_keys(doc_id)
            for f in doc.findings:
                hit = (f.rule, f.extra["fingerprint"]) in known
                f.extra["baseline"] = "unchanged" if hit else "new"
                summary.baseline_hidden += hit and f.flags()
    return summary


def apply_document(
    doc: DocumentResult,
    doc_id: int,
    store: Store,
    as_of: str,
    texts: Texts,
    summary: ApplySummary | None = None,
) -> None:
    """Decisions, notes and the final conclusion of one (known) document, in place."""
    summary = summary or ApplySummary()
    for f in doc.findings:
        f.extra.setdefault("fingerprint", sentence_fingerprint(f.text))
    latest = store.latest_decisions(doc_id)
    notes = store.notes(doc_id)
    for f in doc.findings:
        key = (f.rule, f.extra["fingerprint"])
        if key in notes:
            f.extra["review_notes"] = [
                {"text": n.text, "reviewer": n.reviewer, "noted_at": n.noted_at} for n in notes[key]
            ]
        d = latest.get(key)
        if d is None or d.kind == "reopened":
            continue
        f.extra["decision"] = {
            "kind": d.kind,
            "reason": d.reason,
            "deadline": d.deadline,
            "reviewer": d.reviewer,
            "decided_at": d.decided_at,
            "id": d.id,
        }
        if d.kind == "exception" and d.deadline is not None and d.deadline < as_of:
            f.extra["review_status"] = "exception_expired"  # the time limit passed: a finding again
            summary.expired_exceptions += 1
        else:
            f.extra["review_status"] = d.kind
            summary.dismissed += d.kind == "dismissed"
            summary.exceptions += d.kind == "exception"
        summary.decided += 1
    if any(f.flags() and status(f) in SUPPRESSING for f in doc.findings):
        _reconclude(doc, as_of, texts)
    final = store.latest_conclusion(doc_id)
    if final is not None:
        summary.finals += 1
        known = final.known()
        unseen = [
            f
            for f in doc.findings
            if counts(f) and status(f) == "open" and (f.rule, f.extra["fingerprint"]) not in known
        ]
        doc.extra["final_verdict"] = {
            "verdict": final.conclusion,
            "verdict_zh": CONCLUSION_ZH[final.conclusion],
            "reason": final.reason,
            "recommended": final.recommended,
            "reviewer": final.reviewer,
            "decided_at": final.decided_at,
            # findings that appeared after the conclusion was set (the document was edited since)
            "needs_review": bool(unseen),
            "unreviewed_findings": [f"{f.location} {f.rule}" for f in unseen],
        }


def _reconclude(doc: DocumentResult, as_of: str, texts: Texts) -> None:
    """The verdict rule again, on the findings that still count (same rule, same structure)."""
    got = texts.get(doc)
    structure = parse(normalize(got[0]).text, title_hint=got[1]) if got else None
    shadow = copy.copy(doc)
    shadow.findings = [f for f in doc.findings if not (f.flags() and status(f) in SUPPRESSING)]
    conclude(shadow, structure, as_of)
    verdict = shadow.verdict
    title_cleared = any(f.location == "标题" and status(f) in SUPPRESSING for f in doc.findings)
    if structure is None and doc.verdict == "repeal" and verdict == "amend" and not title_cleared:
        verdict = "repeal"  # without the structure the share of flagged clauses is unknown: keep the scan's
    dismissed = sum(1 for f in doc.findings if f.flags() and status(f) == "dismissed")
    excepted = sum(1 for f in doc.findings if f.flags() and status(f) == "exception")
    doc.extra["scan_verdict"] = doc.verdict
    doc.extra["scan_reasons"] = list(doc.reasons)
    doc.verdict = verdict
    parts = []
    if dismissed:
        parts.append(f"误报 {dismissed} 处")
    if excepted:
        parts.append(f"适用例外 {excepted} 处（实施期限内）")
    reasons = list(shadow.reasons)
    if verdict == "retain" and reasons:  # not "nothing found": something was found and reviewed away
        reasons[0] = "经人工复核，没有仍需修改的条款"
    doc.reasons = [*reasons, f"经人工复核排除{'、'.join(parts)}"]
    doc.extra["review"] = {"dismissed": dismissed, "exceptions": excepted}
