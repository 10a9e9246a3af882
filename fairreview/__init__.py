"""fairreview — offline fair competition review (公平竞争审查) of Chinese policy documents.

>>> import fairreview
>>> doc = fairreview.scan_text("第三条 政府采购项目限定本县企业参加投标。")
>>> doc.verdict, [f.rule for f in doc.findings]  # doctest: +SKIP
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any  # noqa: E402

from .model import DocumentResult, Finding, Meta, Report  # noqa: E402
from .settings import Settings  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import Engine, scan_paths, scan_text


def __getattr__(name: str) -> Any:
    """The pipeline (rules, readers' text analysis, facts) is imported on first use, not with the package:
    a re-scan served from the cache and ``--help`` never need it."""
    if name in ("Engine", "scan_paths", "scan_text"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'fairreview' has no attribute {name!r}")

__all__ = ["DocumentResult", "Engine", "Finding", "Meta", "Report", "Settings", "__version__", "scan_paths", "scan_text"]
