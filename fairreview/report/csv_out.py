"""CSV: one row per finding, and one row for each document without findings (so every document appears).

For the office as much as for tools: UTF-8 with a BOM (Excel needs it to show Chinese), Chinese headers and
values, review times in local time; every cell escaped and never a formula (escapes.sheet_cell). Programs
that want codes and exact fields read ``--format json`` / ``jsonl`` (a documented contract).
"""

from __future__ import annotations

import csv
import io

from ..escapes import sheet_cell
from ..model import DocumentResult, Finding, Report
from ..review.status import local_time
from .labels import SEVERITY_ZH, STATUS_ZH, VERDICT_ZH

BOM = "\ufeff"
HEADERS = [
    "文件路径",
    "文件名称",
    "文号",
    "建议结论",
    "最终结论",
    "无法读取的原因",
    "规则",
    "问题",
    "级别",
    "位置",
    "起始字符",
    "结束字符",
    "条款内容",
    "命中词语",
    "依据",
    "说明",
    "修改建议",
    "复核结论",
    "复核理由",
    "实施期限",
    "复核人",
    "复核时间",
    "基线",
]
BASELINE_ZH = {"new": "新问题", "unchanged": "已知（基线）"}


def _document_cells(d: DocumentResult) -> list[object]:
    final = d.review.final.verdict if d.review.final else None
    return [
        d.path,
        d.title or "",
        d.meta.doc_number or "",
        d.verdict_label,
        VERDICT_ZH[final] if final else "",
        d.error or "",
    ]


def _finding_cells(f: Finding) -> list[object]:
    dec = f.review.decision
    review = f.review.status
    baseline = f.review.baseline or ""
    return [
        f.rule,
        f.title,
        SEVERITY_ZH.get(f.severity, f.severity),
        f.location,
        f.start,
        f.end,
        " ".join(f.text.split()),
        "、".join(f.evidence),
        "；".join(f.provisions),
        f.message,
        f.suggestion,
        STATUS_ZH.get(review, review) if review else "",
        (dec.reason if dec else None) or "",
        (dec.deadline if dec else None) or "",
        dec.reviewer if dec else "",
        local_time(dec.decided_at if dec else None),
        BASELINE_ZH.get(baseline, baseline),
    ]


def render_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")

    def row(values: list[object]) -> None:
        w.writerow([sheet_cell(v) if isinstance(v, str) else v for v in values])

    w.writerow(HEADERS)
    for d in report.documents:
        head = _document_cells(d)
        if not d.findings:
            row(head + [""] * (len(HEADERS) - len(head)))
            continue
        for f in d.findings:
            row(head + _finding_cells(f))
    return BOM + buf.getvalue()
