"""Renderers. The JSON shape is a contract (docs/json.md): fields may be added, never removed or renamed."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from tabulate import tabulate

from ..facts.meta import meta_line
from ..model import Finding, Report
from ..review.status import baselined, status_label
from .csv_out import render_csv
from .labels import SEVERITY_ZH, VERDICT_ZH
from .sarif import render_sarif
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


def _headline(provisions: list[str]) -> list[str]:
    fcr = [p for p in provisions if p.startswith("FCR-")]
    other = [p for p in provisions if not p.startswith("FCR-")]
    return fcr + other[:1]


def render_table(report: Report, show_info: bool = False) -> str:
    rows: list[list[str]] = []
    hidden = 0
    for d in report.documents:
        name = wrap(_short_path(d.path), 24)
        verdict = VERDICT_ZH[d.verdict]
        final = d.review.final
        if final:  # the reviewer's conclusion beside the tool's recommendation
            verdict += f"\n最终：{VERDICT_ZH[final.verdict]}"
            if final.needs_review:
                verdict += "\n(有新问题待复核)"
        shown = len(rows)
        if d.error is not None:
            rows.append([name, "—", "—", "—", wrap(d.error, 44), verdict])
            continue
        if d.verdict == "expired" and not d.flagged:
            rows.append([name, "—", "—", "—", wrap(d.reasons[0], 44), verdict])
        # One row per flagged sentence: several rules on the same sentence share the row (JSON keeps each).
        groups: dict[tuple[int, int], list[Finding]] = {}
        for f in d.findings:
            if not (f.flags() or show_info):
                continue
            if baselined(f):
                hidden += 1
                continue
            groups.setdefault((f.start, f.end), []).append(f)
        for group in groups.values():
            cells = []
            for f in group:
                cell = wrap(f"{f.rule} {f.title}", 16) + f"\n[{SEVERITY_ZH[f.severity]}]"
                label = status_label(f, short=True)
                if label:
                    cell += "\n" + label
                cells.append(cell)
            # the 条例 item and the most specific detailed provision of each rule; JSON lists them all
            provisions = list(dict.fromkeys(p for f in group for p in _headline(f.provisions)))
            evidence = list(dict.fromkeys(e for f in group for e in f.evidence))
            rows.append([
                name,
                wrap(group[0].location, 14),
                "\n".join(cells),
                "\n".join(provisions),
                wrap(excerpt(group[0].text, evidence), 44),
                verdict,
            ])
        if final and len(rows) == shown:
            rows.append([name, "—", "—", "—", wrap(final.reason, 44), verdict])
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
    if hidden:
        parts.append(f"另有 {hidden} 处问题已记入基线（fairreview baseline），未显示；"
                     "加 --no-baseline 显示全部。")
    parts.append(report.summary_line())
    facts = [f"  {_short_path(d.path)}：{line}" for d in report.documents
             if (d.flagged or d.verdict == "expired") and (line := meta_line(d.meta))]
    if facts:  # what each flagged or expired document says about itself (文号, 发文机关, dates)
        parts.append("文件信息：\n" + "\n".join(facts))
    finals = [VERDICT_ZH[d.review.final.verdict] for d in report.documents if d.review.final]
    if finals:
        counts = "，".join(f"{v} {finals.count(v)} 件" for v in ("保留", "修改", "废止", "失效")
                          if v in finals)
        parts.append(f"其中 {len(finals)} 件已由复核人确定最终结论：{counts}")
    return "\n".join(parts) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "jsonl": render_jsonl,
    "sarif": render_sarif,
    "csv": render_csv,
}


def render(report: Report, fmt: str) -> str:
    return FORMATS[fmt](report)
