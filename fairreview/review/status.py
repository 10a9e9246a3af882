"""What review decisions mean for a finding and a document, and how they are named (no database here)."""

from __future__ import annotations

import datetime as dt

from ..model import VERDICT_ZH, DocumentResult, Finding

KIND_ZH = {"confirmed": "确认违规", "dismissed": "误报", "exception": "适用例外", "reopened": "撤销复核"}
STATUS_ZH = {
    "confirmed": "确认违规",
    "dismissed": "误报",
    "exception": "适用例外",
    "exception_expired": "例外已到期",
    "open": "待复核",
}
CONCLUSION_ZH = {k: VERDICT_ZH[k] for k in ("retain", "amend", "repeal", "expired")}
CONCLUSION_FROM_ZH = {v: k for k, v in CONCLUSION_ZH.items()}
# Statuses that take a finding out of the document's conclusion.
SUPPRESSING = frozenset({"dismissed", "exception"})


def status(f: Finding) -> str:
    return str(f.extra.get("review_status") or "open")


def counts(f: Finding) -> bool:
    """Does the finding still weigh in the document's conclusion?"""
    return f.flags() and status(f) not in SUPPRESSING


def baselined(f: Finding) -> bool:
    return f.extra.get("baseline") == "unchanged"


def needs_attention(doc: DocumentResult) -> bool:
    """What makes ``scan`` exit 1: unreadable, or a finding that is neither dismissed, excepted nor known."""
    return doc.error is not None or any(counts(f) and not baselined(f) for f in doc.findings)


def status_label(f: Finding, short: bool = False) -> str | None:
    """A Chinese label (``short``: for a narrow table cell), or None for a finding nobody has decided on."""
    s = status(f)
    decision = f.extra.get("decision") or {}
    if short:
        return {
            "dismissed": "〔已复核：误报〕",
            "confirmed": "〔已确认违规〕",
            "exception": f"〔适用例外〕\n至 {decision.get('deadline')}",
            "exception_expired": f"〔例外已到期〕\n{decision.get('deadline')}",
        }.get(s)
    if s == "dismissed":
        return "已复核：误报"
    if s == "confirmed":
        return "已复核：确认违规"
    if s == "exception":
        return f"适用例外（实施期限至 {decision.get('deadline')}）"
    if s == "exception_expired":
        return f"例外已到期（实施期限 {decision.get('deadline')}），须重新审查"
    return None


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
