"""Renderers. The JSON shape is a contract (docs/json.md): fields may be added, never removed or renamed.
Every string in JSON passes :func:`~fairreview.escapes.escape_tree` (valid UTF-8 whatever the file names)."""

from __future__ import annotations

import json
from collections.abc import Callable

from ..escapes import escape_tree
from ..model import Report
from .concise import render_concise
from .csv_out import render_csv
from .sarif import render_sarif
from .table import render_table


def render_json(report: Report) -> str:
    return json.dumps(escape_tree(report.to_dict()), ensure_ascii=False, indent=2) + "\n"


def render_jsonl(report: Report) -> str:
    """One JSON object per document, then one summary object (``"type"`` tells them apart)."""
    lines = []
    head = {"fairreview": report.version, "lexicon_version": report.lexicon_version, "segmenter": report.segmenter}
    for d in report.documents:
        lines.append(json.dumps(escape_tree({"type": "document", **head, **d.to_dict()}), ensure_ascii=False))
    lines.append(json.dumps(escape_tree({"type": "summary", **head, "summary": report.summary()}),
                            ensure_ascii=False))
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "jsonl": render_jsonl,
    "sarif": render_sarif,
    "csv": render_csv,
    "concise": render_concise,
}


def render(report: Report, fmt: str) -> str:
    return FORMATS[fmt](report)
