"""The terminal table of ``fairreview scan``: one row per flagged sentence, laid out for the terminal's width.

Two layouts, chosen by the width (``COLUMNS`` or the terminal's; a pipe or file gets the wide one):

- wide (at least :data:`WIDE_MIN` columns): 文件 / 位置 / 规则 / 依据 / 条款摘录 / 结论, the excerpt column
  taking what the width leaves;
- narrow: each document's path and conclusion on their own lines, then 位置 / 规则（依据） / 条款摘录.

Every line of either layout fits the width, the lines around the table included. Names and text from the
documents pass through :func:`fairreview.escapes.screen_name` before they are laid out; colour (a
:class:`~fairreview.report.style.Style`) is added after, and no width counts it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..escapes import screen_name
from ..facts.meta import meta_line
from ..legal import cite, headline_provisions
from ..model import DocumentResult, Finding, Report
from ..review.status import baselined, status_label
from .labels import SEVERITY_ZH, VERDICT_ZH
from .style import UNBOUNDED, Style
from .text_width import excerpt, fit, wrap, wrap_words

WIDE_MIN = 110  # below this the six columns leave too little room for the clause
GRID = 3  # a column's share of the borders in simple_grid ("│ " + cell + " "), plus one closing "│"
EMPTY = "未发现需要修改的条款。"


@dataclass
class RuleCell:
    code: str  # CO201
    title: str
    severity: str
    label: str | None  # the review status, short


@dataclass
class Row:
    """One line of the table, before layout: a flagged sentence, or a document's only line."""

    location: str = "—"
    rules: list[RuleCell] = field(default_factory=list)
    provisions: list[str] = field(default_factory=list)
    text: str = ""  # the excerpt with 【】 (or the reason a document has no finding row)


@dataclass
class DocumentRows:
    doc: DocumentResult
    rows: list[Row]


def short_path(path: str) -> str:
    """The path as the reader of the report knows it: relative to the working folder (``<stdin>`` as is)."""
    return screen_name(os.path.relpath(path) if not path.startswith("<") else path)


def shown_findings(doc: DocumentResult, show_info: bool) -> tuple[list[Finding], int]:
    """The findings the table shows (flagged ones, or all with ``show_info``) and how many the baseline hid."""
    shown, hidden = [], 0
    for f in doc.findings:
        if not (f.flags() or show_info):
            continue
        if baselined(f):
            hidden += 1
            continue
        shown.append(f)
    return shown, hidden


def _finding_row(group: list[Finding]) -> Row:
    # several rules on one sentence share the row (JSON keeps each); the 条例 items by their Chinese names
    # (the detail view, the ledger and JSON give every provision)
    evidence = list(dict.fromkeys(e for f in group for e in f.evidence))
    ids = list(dict.fromkeys(p for f in group for p in headline_provisions(f.provisions)[:1]
                             + [p for p in f.provisions if p.startswith("FCR-")]))
    return Row(
        location=screen_name(group[0].location),
        rules=[RuleCell(f.rule, screen_name(f.title), f.severity, status_label(f, short=True)) for f in group],
        provisions=[c.replace("条第", "条\n第", 1) for c in cite(ids)],  # 《条例》第十条 / 第（二）项
        text=screen_name(excerpt(group[0].text, [screen_name(e) for e in evidence])),
    )


def document_rows(doc: DocumentResult, show_info: bool) -> tuple[DocumentRows, int]:
    """The rows of one document (none when it has nothing to show) and the findings the baseline hid."""
    if doc.error is not None:
        return DocumentRows(doc, [Row(text=screen_name(doc.error))]), 0
    rows: list[Row] = []
    if doc.verdict == "expired" and not doc.flagged:
        rows.append(Row(text=screen_name(doc.reasons[0])))
    shown, hidden = shown_findings(doc, show_info)
    groups: dict[tuple[int, int], list[Finding]] = {}
    for f in shown:
        groups.setdefault((f.start, f.end), []).append(f)
    rows += [_finding_row(g) for g in groups.values()]
    if doc.review.final and not rows:
        rows.append(Row(text=screen_name(doc.review.final.reason)))
    return DocumentRows(doc, rows), hidden


def _verdict_lines(doc: DocumentResult) -> list[str]:
    lines = [doc.verdict_label]
    final = doc.review.final
    if final:  # the reviewer's conclusion beside the tool's recommendation
        lines.append(f"最终：{VERDICT_ZH[final.verdict]}")
        if final.needs_review:
            lines.append("(有新问题待复核)")
    return lines


def _rules_cell(row: Row, cols: int, style: Style, with_provisions: bool = False) -> str:
    parts = []
    for r in row.rules:
        cell = wrap(f"{r.code} {r.title}", cols) + "\n" + style.severity(f"[{SEVERITY_ZH[r.severity]}]", r.severity)
        if r.label:
            cell += "\n" + wrap(r.label, cols)
        parts.append(cell)
    if with_provisions and row.provisions:
        parts.append(style.dim("\n".join(wrap_words(" ".join(row.provisions), cols))))
    return "\n".join(parts) if parts else "—"


def _grid(rows: list[list[str]], headers: list[str]) -> str:
    from tabulate import tabulate  # imported here: a JSON report or a clean scan never draws a grid

    return tabulate(rows, headers=headers, tablefmt="simple_grid", disable_numparse=True)


# -- the two layouts -------------------------------------------------------------------------------------
def _wide(docs: list[DocumentRows], width: int, style: Style) -> str:
    location, rule, basis, verdict = 10, 18, 16, 12
    rest = width - (location + rule + basis + verdict) - 6 * GRID - 1
    name = min(30, max(14, rest // 3))
    text = rest - name
    table: list[list[str]] = []
    for d in docs:
        path = wrap(short_path(d.doc.path), name)
        conclusion = style.verdict(wrap("\n".join(_verdict_lines(d.doc)), verdict), d.doc.verdict)
        # the full conclusion (修改（疑似，待复核）, 失效（含限制竞争内容，…）) on a document's first row
        again = style.verdict(wrap("\n".join([VERDICT_ZH[d.doc.verdict], *_verdict_lines(d.doc)[1:]]), verdict),
                              d.doc.verdict)
        for n, row in enumerate(d.rows):
            table.append([
                path, wrap(row.location, location), _rules_cell(row, rule, style),
                wrap("\n".join(row.provisions) or "—", basis), style.marked(wrap(row.text, text)),
                again if n else conclusion,
            ])
    return _grid(table, ["文件", "位置", "规则", "依据", "条款摘录", "结论"])


def _narrow(docs: list[DocumentRows], width: int, style: Style) -> str:
    # tabulate pads each column to its header's width plus two: 位置 6, 规则（依据） 14
    location = 10 if width >= 72 else 6
    rule = 18 if width >= 72 else 14
    text = max(10, width - location - rule - 3 * GRID - 1)
    blocks = []
    for d in docs:
        head = fit(f"文件：{short_path(d.doc.path)}", width, "      ")
        verdict = "，".join(_verdict_lines(d.doc))
        head += "\n" + style.verdict(fit(f"结论：{verdict}", width, "      "), d.doc.verdict)
        table = [[wrap(r.location, location), _rules_cell(r, rule, style, with_provisions=True),
                  style.marked(wrap(r.text, text))] for r in d.rows]
        blocks.append(head + "\n" + _grid(table, ["位置", "规则（依据）", "条款摘录"]))
    return "\n\n".join(blocks)


# -- the whole output ------------------------------------------------------------------------------------
def render_table(report: Report, show_info: bool = False, width: int = UNBOUNDED,
                 style: Style | None = None) -> str:
    """The table and the lines around it (header, baseline note, summary, document facts, final
    conclusions), every line within ``width`` display columns."""
    style = style or Style()
    docs: list[DocumentRows] = []
    hidden = 0
    for doc in report.documents:
        rows, hid = document_rows(doc, show_info)
        hidden += hid
        if rows.rows:
            docs.append(rows)
    parts = [fit(f"fairreview {report.version} · 词库 {report.lexicon_version} · 分词 {report.segmenter}"
                 f" · 审查基准日 {report.as_of}", width)]
    if docs:
        parts.append(_wide(docs, width, style) if width >= WIDE_MIN else _narrow(docs, width, style))
    else:
        parts.append(EMPTY)
    if hidden:
        parts.append(fit(f"另有 {hidden} 处问题已记入基线（fairreview baseline），未显示；"
                         "加 --no-baseline 显示全部。", width))
    parts.append(fit(report.summary_line(), width))
    parts += _closing(report, width)
    return "\n".join(parts) + "\n"


def _closing(report: Report, width: int) -> list[str]:
    out = []
    facts = [fit(f"  {short_path(d.path)}：{screen_name(line)}", width, "    ") for d in report.documents
             if (d.flagged or d.verdict == "expired") and (line := meta_line(d.meta))]
    if facts:  # what each flagged or expired document says about itself (文号, 发文机关, dates)
        out.append("文件信息：\n" + "\n".join(facts))
    checks = [fit(f"  {short_path(d.path)}：{screen_name(c)}", width, "    ")
              for d in report.documents for c in d.assessment.checks]
    if checks:  # a period whose start the text does not give: whether the document expired is unknown
        out.append("须人工核实：\n" + "\n".join(checks))
    finals = [VERDICT_ZH[d.review.final.verdict] for d in report.documents if d.review.final]
    if finals:
        counts = "，".join(f"{v} {finals.count(v)} 件" for v in ("保留", "修改", "废止", "失效") if v in finals)
        out.append(fit(f"其中 {len(finals)} 件已由复核人确定最终结论：{counts}", width))
    return out
