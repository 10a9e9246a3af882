"""fairreview — offline fair competition review (公平竞争审查) of Chinese policy documents.

>>> import fairreview
>>> doc = fairreview.scan_text("第三条 政府采购项目限定本县企业参加投标。")
>>> doc.verdict, [f.rule for f in doc.findings]  # doctest: +SKIP

The layout is described in docs/architecture.md.
"""

from .batch import scan_paths
from .model import DocumentResult, Finding, Meta, Report
from .pipeline import Engine, scan_text
from .settings import Settings, load_settings
from .version import __version__

__all__ = ["DocumentResult", "Engine", "Finding", "Meta", "Report", "Settings", "__version__", "load_settings",
           "scan_paths", "scan_text"]
