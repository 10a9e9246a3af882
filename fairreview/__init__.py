"""fairreview — offline fair competition review (公平竞争审查) of Chinese policy documents.

>>> import fairreview
>>> doc = fairreview.scan_text("第三条 政府采购项目限定本县企业参加投标。")
>>> doc.verdict, [f.rule for f in doc.findings]  # doctest: +SKIP
"""

__version__ = "0.1.0"

from .model import DocumentResult, Finding, Meta, Report  # noqa: E402
from .pipeline import Engine, scan_paths, scan_text  # noqa: E402
from .settings import Settings  # noqa: E402

__all__ = ["DocumentResult", "Engine", "Finding", "Meta", "Report", "Settings", "__version__", "scan_paths", "scan_text"]
