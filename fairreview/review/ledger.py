"""The 台账 reported upward: one row per document (sheet 1), one row per flagged clause (sheet 2).

A document's 最终结论 is the reviewer's when set; the summary line that heads sheet 1 counts final
conclusions where they exist and the recommendation elsewhere.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..legal import provisions
from ..model import SEVERITY_ZH, VERDICT_ZH, DocumentResult, Finding, Report
from ..report.text_width import width
from .status import STATUS_ZH, counts, status

DOC_HEADERS = [
    "序号",
    "文件名称",
    "文号",
    "制定机关",
    "发布日期",
    "有效期",
    "建议结论",
    "最终结论",
    "问题条款位置",
    "违反条款依据",
    "理由",
    "复核人",
    "复核时间",
]
FINDING_HEADERS = [
    "序号",
    "文件名称",
    "文件路径",
    "位置",
    "规则",
    "问题",
    "级别",
    "条款内容",
    "命中词语",
    "依据",
    "修改建议",
    "复核结论",
    "复核理由",
    "实施期限",
    "备注",
    "复核人",
    "复核时间",
]
MAX_COLUMN_WIDTH = 60


def _name(doc: DocumentResult) -> str:
    return doc.title or Path(doc.path).name


def final_verdict(doc: DocumentResult) -> str | None:
    final = doc.extra.get("final_verdict")
    return final["verdict"] if final else None


def effective_verdict(doc: DocumentResult) -> str:
    return final_verdict(doc) or doc.verdict


def summary_line(report: Report) -> str:
    n = {v: 0 for v in VERDICT_ZH}
    for d in report.documents:
        n[effective_verdict(d)] += 1
    line = (
        f"共排查 {len(report.documents)} 件：保留 {n['retain']} 件，修改 {n['amend']} 件，"
        f"废止 {n['repeal']} 件，"
        f"失效 {n['expired']} 件"
    )
    if n["error"]:
        line += f"，无法读取 {n['error']} 件（须人工处理）"
    finals = sum(1 for d in report.documents if final_verdict(d))
    return line + f"（其中 {finals} 件已由复核人确定最终结论）"


def _citations(ids: list[str]) -> list[str]:
    table = provisions()
    return [table[i].citation if i in table else i for i in ids]


def _period(doc: DocumentResult) -> str:
    m = doc.meta
    if m.effective and m.expires:
        return f"{m.effective} 至 {m.expires}"
    if m.expires:
        return f"至 {m.expires}"
    if m.effective:
        return f"{m.effective} 起"
    return ""


def _reviewed(doc: DocumentResult) -> tuple[str, str]:
    """Who last reviewed the document and when: the final conclusion, else the latest finding decision."""
    final = doc.extra.get("final_verdict")
    if final:
        return final["reviewer"], final["decided_at"]
    decisions = [f.extra["decision"] for f in doc.findings if f.extra.get("decision")]
    if not decisions:
        return "", ""
    last = max(decisions, key=lambda d: d["decided_at"])
    return last["reviewer"], last["decided_at"]


def document_row(i: int, doc: DocumentResult) -> list[str]:
    live = [f for f in doc.findings if counts(f)]
    excepted = [f for f in doc.findings if f.flags() and status(f) == "exception"]
    places = [f.location for f in live] + [
        f"{f.location}（适用例外，实施期限至 {f.extra['decision']['deadline']}）" for f in excepted
    ]
    cited: list[str] = []
    for f in live:
        for c in _citations(f.provisions):
            if c not in cited:
                cited.append(c)
    final = doc.extra.get("final_verdict")
    reason = final["reason"] if final else "；".join(doc.reasons)
    reviewer, when = _reviewed(doc)
    return [
        str(i),
        _name(doc),
        doc.meta.doc_number or "",
        doc.meta.issuer or "",
        doc.meta.issued or "",
        _period(doc),
        VERDICT_ZH[doc.verdict],
        VERDICT_ZH[final["verdict"]] if final else "",
        "；".join(dict.fromkeys(places)),
        "；".join(cited),
        reason,
        reviewer,
        when,
    ]


def finding_row(i: int, doc: DocumentResult, f: Finding) -> list[str]:
    d = f.extra.get("decision") or {}
    notes = f.extra.get("review_notes") or []
    return [
        str(i),
        _name(doc),
        doc.path,
        f.location,
        f.rule,
        f.title or f.name,
        SEVERITY_ZH.get(f.severity, f.severity),
        " ".join(f.text.split()),
        "、".join(f.evidence),
        "；".join(_citations(f.provisions)),
        f.suggestion,
        STATUS_ZH[status(f)],
        d.get("reason") or "",
        d.get("deadline") or "",
        "；".join(f"{n['text']}（{n['reviewer']}）" for n in notes),
        d.get("reviewer") or "",
        d.get("decided_at") or "",
    ]


@dataclass
class LedgerRows:
    summary: str
    documents: list[list[str]]
    findings: list[list[str]]


def ledger_rows(report: Report) -> LedgerRows:
    docs = [document_row(i, d) for i, d in enumerate(report.documents, 1)]
    findings: list[list[str]] = []
    for d in report.documents:
        for f in d.findings:
            if f.flags() or f.extra.get("decision"):
                findings.append(finding_row(len(findings) + 1, d, f))
    return LedgerRows(summary_line(report), docs, findings)


def write_ledger(report: Report, output: str | Path) -> list[Path]:
    """Write .xlsx (two sheets) or .csv (two files, the second …-问题条款.csv); return the paths."""
    out = Path(output)
    rows = ledger_rows(report)
    if out.suffix.lower() == ".csv":
        second = out.with_name(f"{out.stem}-问题条款.csv")
        for path, headers, body in (
            (out, DOC_HEADERS, rows.documents),
            (second, FINDING_HEADERS, rows.findings),
        ):
            # utf-8 with BOM: Excel, which most offices open CSV files with, needs it to show Chinese
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(headers)
                w.writerows(body)
        return [out, second]
    _write_xlsx(rows, out)
    return [out]


def _write_xlsx(rows: LedgerRows, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE5F0")
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(ws: Any, headers: list[str], body: list[list[str]], first_row: int) -> None:
        for c, h in enumerate(headers, 1):
            cell = ws.cell(row=first_row, column=c, value=h)
            cell.font, cell.fill, cell.border = head_font, head_fill, border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, row in enumerate(body, first_row + 1):
            for c, value in enumerate(row, 1):
                cell = ws.cell(row=r, column=c, value=int(value) if c == 1 else value)
                cell.alignment, cell.border = wrap, border
        for c, h in enumerate(headers, 1):
            longest = max(
                [width(h)] + [max((width(x) for x in str(row[c - 1]).split("\n")), default=0) for row in body]
            )
            ws.column_dimensions[get_column_letter(c)].width = min(MAX_COLUMN_WIDTH, max(6, longest + 2))
        ws.freeze_panes = ws.cell(row=first_row + 1, column=3)
        last = get_column_letter(len(headers))
        ws.auto_filter.ref = f"A{first_row}:{last}{first_row + max(len(body), 1)}"

    ws1 = wb.active
    ws1.title = "文件台账"
    ws1.cell(row=1, column=1, value=rows.summary).font = Font(bold=True, size=12)
    ws1.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(DOC_HEADERS))
    ws1.row_dimensions[1].height = 24
    sheet(ws1, DOC_HEADERS, rows.documents, first_row=2)
    ws2 = wb.create_sheet("问题条款")
    sheet(ws2, FINDING_HEADERS, rows.findings, first_row=1)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
