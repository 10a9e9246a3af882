"""What review decisions mean for a finding and a document (no database here; labels in report/labels.py)."""

from __future__ import annotations

import datetime as dt

from ..model import DocumentResult, Finding
from ..report.labels import CONCLUSION_FROM_ZH, CONCLUSION_ZH

# Statuses that take a finding out of the document's conclusion.
SUPPRESSING = frozenset({"dismissed", "exception"})


def status(f: Finding) -> str:
    return f.review.status or "open"


def counts(f: Finding) -> bool:
    """Does the finding still weigh in the document's conclusion?"""
    return f.flags() and status(f) not in SUPPRESSING


def baselined(f: Finding) -> bool:
    return f.review.baseline == "unchanged"


def needs_attention(doc: DocumentResult) -> bool:
    """What makes ``scan`` exit 1: unreadable, or a finding that is neither dismissed, excepted nor known."""
    return doc.error is not None or any(counts(f) and not baselined(f) for f in doc.findings)


def status_label(f: Finding, short: bool = False) -> str | None:
    """A Chinese label (``short``: for a narrow table cell), or None for a finding nobody has decided on."""
    s = status(f)
    deadline = f.review.decision.deadline if f.review.decision else None
    labels = {
        "dismissed": ("〔已复核：误报〕", "已复核：误报"),
        "confirmed": ("〔已确认违规〕", "已复核：确认违规"),
        "exception": (f"〔适用例外〕\n至 {deadline}", f"适用例外（实施期限至 {deadline}）"),
        "exception_expired": (f"〔例外已到期〕\n{deadline}", f"例外已到期（实施期限 {deadline}），须重新审查"),
    }
    pair = labels.get(s)
    if pair is None:
        return None
    return pair[0] if short else pair[1]


def parse_conclusion(value: str) -> str | None:
    """保留/修改/废止/失效 or retain/amend/repeal/expired → the code, else None."""
    v = value.strip()
    if v in CONCLUSION_ZH:
        return v
    return CONCLUSION_FROM_ZH.get(v)


def local_time(stamp: str | None) -> str:
    """A stored time as a person reads it, in this computer's time zone: ``2026-12-01 15:19``."""
    if not stamp:
        return ""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return when.astimezone().strftime("%Y-%m-%d %H:%M")
