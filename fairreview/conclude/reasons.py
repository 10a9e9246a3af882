"""Reason lines a clerk reads: one per distinct problem, provisions by their Chinese names.

A *problem* is a place in the document (its location) with the restrictions found there: several rules on
one clause, or one rule on several sentences of it, are one problem and one line. The title, the title of
the document an 印发通知 sends and the transmittal sentence that repeats it are one place, 标题.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..legal import cite_together, headline_provisions
from ..model import Finding
from ..report.labels import SEVERITY_ZH
from ..structure.roles import CLOSING, TITLE

TITLE_PLACE = "标题"


@dataclass
class Problem:
    location: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def titles(self) -> list[str]:
        return list(dict.fromkeys(f.title or f.name for f in self.findings))

    @property
    def severity(self) -> str:
        return "error" if any(f.severity == "error" for f in self.findings) else "warning"

    @property
    def all_provisions(self) -> list[str]:
        return list(dict.fromkeys(p for f in self.findings for p in f.provisions))

    @property
    def provisions(self) -> list[str]:
        return list(dict.fromkeys(p for f in self.findings for p in headline_provisions(f.provisions)))


def problems(findings: list[Finding], role: Callable[[Finding], str]) -> list[Problem]:
    """The competition findings grouped by place, in document order (the title first); ``role`` gives a
    finding's clause role (structure/roles.py)."""
    title_rules = {f.rule for f in findings if role(f) == TITLE}

    def place(f: Finding) -> str:
        r = role(f)
        if r == TITLE or (r == CLOSING and f.rule in title_rules):  # "《…办法》已经县政府同意，现印发给你们"
            return TITLE_PLACE
        return f.location

    out: dict[str, Problem] = {}
    for f in sorted(findings, key=lambda f: (place(f) != TITLE_PLACE, f.start)):
        out.setdefault(place(f), Problem(place(f))).findings.append(f)
    return list(out.values())


def basis(provisions: list[str]) -> str:
    """《条例》第十条第（二）项、《实施办法》第十九条第（四）项"""
    return cite_together(provisions)


def problem_line(p: Problem) -> str:
    severities = {f.severity for f in p.findings}
    if len(severities) > 1:
        titles = "；".join(
            f"{t}（{SEVERITY_ZH['error' if any(f.severity == 'error' for f in p.findings if f.title == t) else 'warning']}）"
            for t in p.titles
        )
        tail = f"（依据{basis(p.provisions)}）" if p.provisions else ""
    else:
        titles = "；".join(p.titles)
        tail = f"（{SEVERITY_ZH[p.severity]}" + (f"，依据{basis(p.provisions)}" if p.provisions else "") + "）"
    return f"{p.location}：{titles}{tail}"


def problem_reasons(found: list[Problem]) -> list[str]:
    return [problem_line(p) for p in found]


def legality_reasons(notes: list[Finding]) -> list[str]:
    """One line per superseded law cited (cited in several places: one line naming them)."""
    by_law: dict[str, list[Finding]] = {}
    for f in notes:
        key = f.superseded.title if f.superseded else f.message
        by_law.setdefault(key, []).append(f)
    return [f"法律依据（{'、'.join(dict.fromkeys(f.location for f in fs))}）：{fs[0].message}"
            for fs in by_law.values()]
