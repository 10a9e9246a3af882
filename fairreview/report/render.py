"""Renderers. The JSON shape is a contract (docs/json.md): fields may be added, never removed or renamed.
Every string in JSON passes :func:`~fairreview.escapes.escape_tree` (valid UTF-8 whatever the file names)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import cast

from ..escapes import escape_tree, json_escaped
from ..jsoncodec import pretty as pretty_json
from ..model import Report


def render_json(report: Report) -> str:
    return json_escaped(report.to_dict(), pretty_json) + "\n"


def render_jsonl(report: Report) -> str:
    """One JSON object per document, then one summary object (``"type"`` tells them apart)."""
    lines = []
    head = {"fairreview": report.version, "lexicon_version": report.lexicon_version, "segmenter": report.segmenter}
    for d in report.documents:
        lines.append(json.dumps(escape_tree({"type": "document", **head, **d.to_dict()}), ensure_ascii=False))
    lines.append(json.dumps(escape_tree({"type": "summary", **head, "summary": report.summary()}),
                            ensure_ascii=False))
    return "\n".join(lines) + "\n"


#: format → (module, function); a renderer's module is imported when it is used (a JSON report needs no table)
FORMATS: dict[str, tuple[str, str]] = {
    "table": (".table", "render_table"),
    "json": (".render", "render_json"),
    "jsonl": (".render", "render_jsonl"),
    "sarif": (".sarif", "render_sarif"),
    "csv": (".csv_out", "render_csv"),
    "concise": (".concise", "render_concise"),
}


def render(report: Report, fmt: str) -> str:
    module, name = FORMATS[fmt]
    renderer = cast(Callable[[Report], str], getattr(importlib.import_module(module, __package__), name))
    return renderer(report)
