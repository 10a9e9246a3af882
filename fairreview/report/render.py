"""Renderers. The JSON shape is a contract (docs/json.md): fields may be added, never removed or renamed.
Every string in JSON passes :func:`~fairreview.escapes.escape_tree` (valid UTF-8 whatever the file names)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any, cast

from ..escapes import escape_tree

try:  # a compiled encoder (a dependency; the standard library gives the same text where it is missing)
    import orjson
except ImportError:  # pragma: no cover - installed with --no-deps, or no wheel for this machine
    orjson = None  # type: ignore[assignment]
from ..model import Report


def render_json(report: Report) -> str:
    return pretty_json(escape_tree(report.to_dict())) + "\n"


def pretty_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, made by orjson where it is installed: the standard
    library indents in pure Python (a 925-document report: 35 ms of a 180 ms re-scan; orjson: 3 ms). The text is
    the same, but for floats in exponent form (1e-05 / 1e-5, the same number); values orjson refuses (integers
    beyond 64 bits, lone surrogates, which escape_tree never leaves) go to the standard library."""
    if orjson is not None:
        try:
            return str(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8"))
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            pass
    return json.dumps(value, ensure_ascii=False, indent=2)


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
