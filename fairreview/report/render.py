"""Renderers. The JSON shape is a contract (docs/json.md): fields may be added, never removed or renamed."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from tabulate import tabulate

from ..model import SEVERITY_ZH, VERDICT_ZH, Report
from .text_width import excerpt, wrap


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render_jsonl(report: Report) -> str:
    """One JSON object per document, then one summary object (``"type"`` tells them apart)."""
    lines = []
    head = {"fairreview": report.version, "lexicon_version": report.lexicon_version, "segmenter": report.segmenter}
    for d in report.documents:
        lines.append(json.dumps({"type": "document", **head, **d.to_dict()}, ensure_ascii=False))
    lines.append(json.dumps({"type": "summary", **head, "summary": report.summary()}, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def _short_path(path: str) -> str:
    return os.path.relpath(path) if not path.startswith("<") else path


def render_table(report: Report, show_info: bool = False) -> str:
    rows = []
    for d in report.documents:
        name = wrap(_short_path(d.path), 24)
        verdict = VERDICT_ZH[d.verdict]
        if d.error is not None:
            rows.append([name, "—", "—", "—", wrap(d.error, 44), verdict])
            continue
        if d.verdict == "expired" and not d.flagged:
            rows.append([name, "—", "—", "—", wrap(d.reasons[0], 44), verdict])
        for f in d.findings:
            if not (f.flags() or show_info):
                continue
            rule = wrap(f"{f.rule} {f.title}", 16) + f"\n[{SEVERITY_ZH[f.severity]}]"
            rows.append([
                name,
                wrap(f.location, 14),
                rule,
                "\n".join(f.provisions),
                wrap(excerpt(f.text, f.evidence), 44),
                verdict,
            ])
    header = (
        f"fairreview {report.version} · 词库 {report.lexicon_version} · 分词 {report.segmenter}"
        f" · 审查基准日 {report.as_of}"
    )
    parts = [header]
    if rows:
        parts.append(
            tabulate(rows, headers=["文件", "位置", "规则", "依据", "条款摘录", "结论"], tablefmt="simple_grid")
        )
    else:
        parts.append("未发现需要修改的条款。")
    parts.append(report.summary_line())
    return "\n".join(parts) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "jsonl": render_jsonl,
}


def render(report: Report, fmt: str) -> str:
    return FORMATS[fmt](report)
