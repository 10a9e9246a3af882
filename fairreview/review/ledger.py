"""The 台账 reported upward: one row per document (sheet 1), one row per flagged clause (sheet 2).

A document's 最终结论 is the reviewer's when set; the summary line that heads sheet 1 counts final
conclusions where they exist and the recommendation elsewhere.

Made to be printed and filed: landscape A4, fit to the page width, the header row repeated on every page,
page numbers in the footer, wrapped text in columns of fixed, sensible widths; review times in local time.
Every cell is text from outside (titles, file names, clauses): control characters and undecodable bytes are
escaped visibly and losslessly, and a cell that looks like a formula is stored as text (see escapes.py).
Files are written whole or not at all (atomic_file.py).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic_file import AtomicFiles, atomic_open
from ..escapes import escape_text, formula_like, sheet_cell
from ..legal import provisions
from ..model import DocumentResult, Finding, Report, tally
from ..report.labels import SEVERITY_ZH, STATUS_ZH, VERDICT_ZH
from ..report.labels import summary_line as labels_summary_line
from ..report.text_width import width
from .status import counts, local_time, status

DOC_HEADERS = [
    "序号",
    "文件名称",
    "文件路径",
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
# Column widths on paper, in Excel's character units (a Chinese character takes two): what fits a landscape
# A4 page at a readable size; longer text wraps. A column is narrowed to its content when that is shorter.
DOC_WIDTHS = {
    "序号": 5, "文件名称": 22, "文件路径": 18, "文号": 13, "制定机关": 12, "发布日期": 11, "有效期": 12,
    "建议结论": 9, "最终结论": 9, "问题条款位置": 14, "违反条款依据": 24, "理由": 24, "复核人": 7,
    "复核时间": 11,
}
FINDING_WIDTHS = {
    "序号": 5, "文件名称": 14, "文件路径": 14, "位置": 10, "规则": 7, "问题": 14, "级别": 5, "条款内容": 28,
    "命中词语": 10, "依据": 20, "修改建议": 20, "复核结论": 9, "复核理由": 14, "实施期限": 11, "备注": 12,
    "复核人": 7, "复核时间": 11,
}
MIN_COLUMN_WIDTH = 5
MAX_COLUMN_WIDTH = max(*DOC_WIDTHS.values(), *FINDING_WIDTHS.values())
FONT_NAME = "宋体"  # SimSun: the type of official documents, on every Chinese Windows; others substitute a CJK font
FONT_SIZE = 10
LINE_HEIGHT = 13.5  # points per wrapped line at FONT_SIZE


def _name(doc: DocumentResult) -> str:
    return doc.title or Path(doc.path).name


def final_verdict(doc: DocumentResult) -> str | None:
    final = doc.review.final
    return final.verdict if final else None


def effective_verdict(doc: DocumentResult) -> str:
    return final_verdict(doc) or doc.verdict


def summary_line(report: Report) -> str:
    """The scan's summary line over final conclusions where they exist (a reviewer's conclusion counts
    only as its verdict; the breakdown by kind of reason is the recommendation's)."""
    counts = tally([(d.review.final.verdict, None) if d.review.final else (d.verdict, d.assessment)
                    for d in report.documents])
    finals = sum(1 for d in report.documents if final_verdict(d))
    line = labels_summary_line(counts)
    if counts["error"]:
        line = line.replace(f"无法读取 {counts['error']} 件", f"无法读取 {counts['error']} 件（须人工处理）")
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
    final = doc.review.final
    if final:
        return final.reviewer, local_time(final.decided_at)
    decisions = [f.review.decision for f in doc.findings if f.review.decision]
    if not decisions:
        return "", ""
    last = max(decisions, key=lambda d: d.decided_at)
    return last.reviewer, local_time(last.decided_at)


def document_row(i: int, doc: DocumentResult) -> list[str]:
    live = [f for f in doc.findings if counts(f)]
    excepted = [f for f in doc.findings if f.flags() and status(f) == "exception"]
    places = [f.location for f in live] + [
        f"{f.location}（适用例外，实施期限至 {f.review.decision.deadline if f.review.decision else None}）"
        for f in excepted
    ]
    cited: list[str] = []
    for f in live:
        for c in _citations(f.provisions):
            if c not in cited:
                cited.append(c)
    final = doc.review.final
    reason = final.reason if final else "；".join(doc.reasons)
    reviewer, when = _reviewed(doc)
    return [
        str(i),
        _name(doc),
        doc.path,
        doc.meta.doc_number or "",
        doc.meta.issuer or "",
        doc.meta.issued or "",
        _period(doc),
        doc.verdict_label,
        VERDICT_ZH[final.verdict] if final else "",
        "；".join(dict.fromkeys(places)),
        "；".join(cited),
        reason,
        reviewer,
        when,
    ]


def finding_row(i: int, doc: DocumentResult, f: Finding) -> list[str]:
    d = f.review.decision
    notes = f.review.notes
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
        (d.reason if d else None) or "",
        (d.deadline if d else None) or "",
        "；".join(f"{n.text}（{n.reviewer}）" for n in notes),
        d.reviewer if d else "",
        local_time(d.decided_at if d else None),
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
            if f.flags() or f.review.decision:
                findings.append(finding_row(len(findings) + 1, d, f))
    return LedgerRows(summary_line(report), docs, findings)


def write_ledger(report: Report, output: str | Path) -> list[Path]:
    """Write .xlsx (two sheets) or .csv (two files, the second …-问题条款.csv); return the paths.

    Nothing is replaced unless everything was written: on any error the previous ledger stays as it was."""
    out = Path(output)
    rows = ledger_rows(report)
    if out.suffix.lower() == ".csv":
        second = out.with_name(f"{out.stem}-问题条款.csv")
        with AtomicFiles() as files:
            for path, headers, body in (
                (out, DOC_HEADERS, rows.documents),
                (second, FINDING_HEADERS, rows.findings),
            ):
                # utf-8 with BOM: Excel, which most offices open CSV files with, needs it to show Chinese
                with files.open(path, "w", encoding="utf-8-sig", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow(headers)
                    w.writerows([sheet_cell(v) for v in row] for row in body)
        return [out, second]
    _write_xlsx(rows, out)
    return [out]


def column_widths(headers: list[str], body: list[list[str]], preferred: dict[str, int]) -> list[int]:
    """Each column's width: its preferred width, or less when header and content are all shorter."""
    out = []
    for c, h in enumerate(headers):
        longest = max([width(h)] + [width(line) for row in body for line in str(row[c]).split("\n")])
        out.append(max(MIN_COLUMN_WIDTH, min(preferred.get(h, 12), longest + 1)))
    return out


def text_cell(cell: Any, value: str) -> None:
    """An XLSX cell holding text from outside: escaped, and typed as text (marked ``quotePrefix``, as Excel
    does for a typed apostrophe) when it looks like a formula, so it is shown, never evaluated."""
    value = escape_text(value)
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def text_lines(value: str, column_width: int) -> int:
    """How many lines a wrapped cell takes (row heights are set, as spreadsheets do not fit them on load).

    In points at FONT_SIZE a full-width character is FONT_SIZE wide and a half-width one half that; a column
    of width ``w`` is about ``w * 7 + 5`` pixels at 96 dpi (Excel's rule for its default font). A little
    slack for line breaks at word boundaries: one line too many looks better than clipped text."""
    usable_pt = (column_width * 7 + 5) * 0.75 - 2
    per_unit_pt = FONT_SIZE / 2
    return sum(max(1, math.ceil(width(line) * per_unit_pt / usable_pt)) for line in value.split("\n"))


def row_height(values: list[str], widths: list[int]) -> float:
    lines = max((text_lines(v, w) for v, w in zip(values, widths, strict=True)), default=1)
    return round(lines * LINE_HEIGHT + 3, 1)


def _write_xlsx(rows: LedgerRows, out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    styles = _Styles.make()
    ws1 = wb.active
    ws1.title = "文件台账"
    _summary_row(ws1, rows)
    _sheet(ws1, styles, DOC_HEADERS, rows.documents, first_row=2, widths=DOC_WIDTHS)
    _page(ws1, "文件台账", header_row=2)
    ws2 = wb.create_sheet("问题条款")
    _sheet(ws2, styles, FINDING_HEADERS, rows.findings, first_row=1, widths=FINDING_WIDTHS)
    _page(ws2, "问题条款", header_row=1)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = io.BytesIO()  # built in memory (a ledger is a few MB at most), so only our own write touches the disk
    wb.save(data)
    with atomic_open(out, "wb") as fh:
        fh.write(data.getbuffer())


@dataclass(frozen=True)
class _Styles:
    """The ledger's cell styles; openpyxl objects, so made when a ledger is written (openpyxl loads then)."""

    border: Any
    head_font: Any
    body_font: Any
    head_fill: Any
    wrap: Any
    centred: Any

    @classmethod
    def make(cls) -> _Styles:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="999999")
        return cls(
            border=Border(left=thin, right=thin, top=thin, bottom=thin),
            head_font=Font(name=FONT_NAME, bold=True, size=FONT_SIZE),
            body_font=Font(name=FONT_NAME, size=FONT_SIZE),
            head_fill=PatternFill("solid", fgColor="DDE5F0"),
            wrap=Alignment(wrap_text=True, vertical="top"),
            centred=Alignment(wrap_text=True, vertical="top", horizontal="center"),
        )


def _summary_row(ws: Any, rows: LedgerRows) -> None:
    """The run's summary line above the document sheet's header, across all its columns."""
    from openpyxl.styles import Alignment, Font

    head = ws.cell(row=1, column=1)
    text_cell(head, rows.summary)
    head.font = Font(name=FONT_NAME, bold=True, size=12)
    head.alignment = Alignment(vertical="center", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(DOC_HEADERS))
    # the summary line spans the table: as many lines as it needs at 12 pt across the columns' width
    across = sum(column_widths(DOC_HEADERS, rows.documents, DOC_WIDTHS))
    ws.row_dimensions[1].height = 18 * max(1, math.ceil(width(rows.summary) * 1.2 / across)) + 6


def _sheet(
    ws: Any, styles: _Styles, headers: list[str], body: list[list[str]], first_row: int, widths: dict[str, int]
) -> None:
    """A table: header row, body cells, column widths and row heights, frozen panes and a filter."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for c, h in enumerate(headers, 1):
        cell = ws.cell(row=first_row, column=c, value=h)
        cell.font, cell.fill, cell.border = styles.head_font, styles.head_fill, styles.border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(body, first_row + 1):
        for c, value in enumerate(row, 1):
            cell = ws.cell(row=r, column=c)
            if c == 1:
                cell.value = int(value)
            else:
                text_cell(cell, value)
            cell.font, cell.border = styles.body_font, styles.border
            cell.alignment = styles.centred if c == 1 or len(value) <= 4 else styles.wrap
    sizes = column_widths(headers, body, widths)
    for c, w in enumerate(sizes, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.row_dimensions[first_row].height = row_height(headers, sizes)
    for r, row in enumerate(body, first_row + 1):
        ws.row_dimensions[r].height = row_height([escape_text(v) for v in row], sizes)
    ws.freeze_panes = ws.cell(row=first_row + 1, column=3)
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A{first_row}:{last}{first_row + max(len(body), 1)}"


def _page(ws: Any, title: str, header_row: int) -> None:
    """Printing: A4 landscape, one page wide, the header row on every page, title and page numbers."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = f"公平竞争审查台账 · {title}"
    ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
