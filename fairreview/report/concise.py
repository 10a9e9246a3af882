"""One line per finding (``--format concise``, for grep, editors and CI logs) and counts per rule
(``--statistics``), like ruff's concise output and statistics.

``path:行:列: 代码 [严重程度] 信息``: the line and column are where the flagged sentence starts in the
extracted text (``fairreview text FILE``). Findings a reviewer dismissed or excepted, and those the baseline
knows, are left out, as the exit code leaves them out; a document that could not be read is one line
with ``无法读取`` in the place of the code.
"""

from __future__ import annotations

from collections import Counter

from ..escapes import screen_name
from ..model import DocumentResult, Finding, Report
from ..review.status import SUPPRESSING, status, status_label
from .labels import SEVERITY_ZH
from .style import UNBOUNDED, Style
from .table import short_path, shown_findings
from .text_width import fit
from .text_width import width as text_width


def active_findings(doc: DocumentResult, show_info: bool = False) -> list[Finding]:
    """The findings that still need someone: shown in the table and neither dismissed nor excepted."""
    shown, _ = shown_findings(doc, show_info)
    return [f for f in shown if not (f.flags() and status(f) in SUPPRESSING)]


def _message(f: Finding) -> str:
    evidence = "".join(f"“{screen_name(e)}”" for e in f.evidence)
    label = status_label(f)
    return (f"{screen_name(f.title)}：{screen_name(f.location)}" + (f"，命中{evidence}" if evidence else "")
            + (f"（{label}）" if label else ""))


def concise_lines(report: Report, show_info: bool = False, style: Style | None = None) -> list[str]:
    style = style or Style()
    out = []
    for doc in report.documents:
        path = style.bold(short_path(doc.path))
        if doc.error is not None:
            out.append(f"{path}:1:1: {style.severity('无法读取', 'error')} {screen_name(doc.error)}")
            continue
        if doc.verdict == "expired" and not doc.flagged and doc.reasons:
            out.append(f"{path}:1:1: 失效 {screen_name(doc.reasons[0])}")
        for f in active_findings(doc, show_info):
            where = f"{max(f.line, 1)}:{max(f.column, 1)}"
            code = style.severity(f"{f.rule} [{SEVERITY_ZH[f.severity]}]", f.severity)
            out.append(f"{path}:{where}: {code} {_message(f)}")
    return out


def render_concise(report: Report, show_info: bool = False, style: Style | None = None) -> str:
    lines = concise_lines(report, show_info, style)
    return "\n".join([*lines, report.summary_line()]) + "\n"


def render_statistics(report: Report, show_info: bool = False, width: int = UNBOUNDED,
                      style: Style | None = None) -> str:
    """Per rule: how many findings (most first), the code, the severity and the rule's title."""
    style = style or Style()
    count: Counter[str] = Counter()
    about: dict[str, Finding] = {}
    unreadable = 0
    for doc in report.documents:
        unreadable += doc.error is not None
        for f in active_findings(doc, show_info):
            count[f.rule] += 1
            about.setdefault(f.rule, f)
    digits = len(str(max([*count.values(), unreadable, 1])))
    codes = max([text_width(c) for c in count] + [5])
    lines = []
    for code, n in sorted(count.items(), key=lambda kv: (-kv[1], kv[0])):
        f = about[code]
        severity = f"[{SEVERITY_ZH[f.severity]}]"
        head = f"{n:>{digits}}  {code:<{codes}}  {severity}{' ' * (10 - text_width(severity))}  "
        line = fit(head + screen_name(f.title), width, " " * text_width(head))
        lines.append(style.severity(line, f.severity) if f.severity == "error" else line)
    if unreadable:
        lines.append(f"{unreadable:>{digits}}  无法读取")
    total = sum(count.values())
    lines.append(fit(f"共 {total} 处问题，涉及 {len(count)} 条规则" + (f"；无法读取 {unreadable} 件" if unreadable else ""),
                     width))
    lines.append(fit(report.summary_line(), width))
    return "\n".join(lines) + "\n"
