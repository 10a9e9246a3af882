"""CSV: one row per finding, and one row for each document without findings (so every document appears)."""

from __future__ import annotations

import csv
import io

from ..model import SEVERITY_ZH, VERDICT_ZH, Report

HEADERS = [
    "path",
    "title",
    "doc_number",
    "verdict",
    "verdict_zh",
    "final_verdict",
    "error",
    "rule",
    "rule_title",
    "severity",
    "severity_zh",
    "location",
    "start",
    "end",
    "text",
    "evidence",
    "provisions",
    "message",
    "suggestion",
    "review_status",
    "decision_reason",
    "deadline",
    "reviewer",
    "decided_at",
    "baseline",
]


def render_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADERS)
    for d in report.documents:
        final = (d.extra.get("final_verdict") or {}).get("verdict", "")
        head = [
            d.path,
            d.title or "",
            d.meta.doc_number or "",
            d.verdict,
            VERDICT_ZH[d.verdict],
            final,
            d.error or "",
        ]
        if not d.findings:
            w.writerow(head + [""] * (len(HEADERS) - len(head)))
            continue
        for f in d.findings:
            dec = f.extra.get("decision") or {}
            w.writerow(
                head
                + [
                    f.rule,
                    f.title,
                    f.severity,
                    SEVERITY_ZH.get(f.severity, f.severity),
                    f.location,
                    f.start,
                    f.end,
                    " ".join(f.text.split()),
                    "|".join(f.evidence),
                    "|".join(f.provisions),
                    f.message,
                    f.suggestion,
                    f.extra.get("review_status") or "",
                    dec.get("reason") or "",
                    dec.get("deadline") or "",
                    dec.get("reviewer") or "",
                    dec.get("decided_at") or "",
                    f.extra.get("baseline") or "",
                ]
            )
    return buf.getvalue()
