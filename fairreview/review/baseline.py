"""The baseline: today's findings recorded as known, so that later scans show only new ones.

It lives in the decisions database (table ``baseline``) but is not a decision: nobody judged these
findings, and entries whose finding disappeared are pruned (and counted) when the baseline is recorded again.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Report
from .apply import register_document, resolve_document
from .fingerprint import sentence_fingerprint
from .store import BaselineEntry, Store


@dataclass
class BaselineResult:
    documents: int = 0
    added: int = 0
    kept: int = 0
    pruned: int = 0


def record_baseline(report: Report, store: Store) -> BaselineResult:
    out = BaselineResult()
    for doc in report.documents:
        if doc.error is not None:
            continue
        entries = [
            BaselineEntry(f.rule, sentence_fingerprint(f.text), f.location, f.text, doc.path)
            for f in doc.findings
        ]
        if entries:
            doc_id = register_document(store, doc)
        else:  # a clean document only matters if it had entries to prune
            known = resolve_document(store, doc)
            if known is None:
                continue
            doc_id = known
        added, kept, pruned = store.record_baseline(doc_id, entries)
        out.documents += 1
        out.added += added
        out.kept += kept
        out.pruned += pruned
    return out
