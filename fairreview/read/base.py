"""What every reader returns, and the one error type readers raise."""

from __future__ import annotations

from dataclasses import dataclass, field


class ReadError(Exception):
    """A document could not be read. The message is Chinese and says why; the path is added by the caller."""


@dataclass
class Extracted:
    """The text of a document exactly as the scanner reads it, plus hints for the structure step."""

    text: str
    format: str  # txt, md, docx, html, pdf, doc, wps, ofd, ...
    encoding: str | None = None
    hints: dict[str, object] = field(default_factory=dict)  # e.g. {"title": "...", "soft_wraps": True}
