"""fairreview — offline fair competition review (公平竞争审查) of Chinese policy documents.

>>> import fairreview
>>> doc = fairreview.scan_text("第三条 政府采购项目限定本县企业参加投标。")
>>> doc.verdict, [f.rule for f in doc.findings]  # doctest: +SKIP

The layout is described in docs/architecture.md. The names below are imported on first use (PEP 562), so
``import fairreview.cli`` for ``fairreview --version`` does not load the readers, the rules or the matcher.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .batch import scan_paths
    from .model import DocumentResult, Finding, Meta, Report
    from .pipeline import Engine, scan_text
    from .settings import Settings, load_settings

_LAZY = {
    "scan_paths": "batch", "DocumentResult": "model", "Finding": "model", "Meta": "model", "Report": "model",
    "Engine": "pipeline", "scan_text": "pipeline", "Settings": "settings", "load_settings": "settings",
}

__all__ = ["DocumentResult", "Engine", "Finding", "Meta", "Report", "Settings", "__version__", "load_settings",
           "scan_paths", "scan_text"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'fairreview' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
