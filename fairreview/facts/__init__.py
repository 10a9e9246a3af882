"""Document facts: what a document says about itself (文号, issuer, dates, 有效期) and the laws it cites."""

from .citations import superseded_findings
from .meta import extract_meta

__all__ = ["extract_meta", "superseded_findings"]
