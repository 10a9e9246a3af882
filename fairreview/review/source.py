"""A scanned document's text, read again for the review screen's context lines (the lines around a flagged
sentence) and for the identity of a document that the scan did not sketch. Applying decisions never
needs it: that works on the stored result alone."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from ..batch.texts import extract_data
from ..model import DocumentResult
from ..read import Extracted
from ..settings import Settings
from .fingerprint import sketch

MAX_REREAD_BYTES = 512 * 1024 * 1024

# The extracted text of a scanned document, or None when it cannot be had again.
TextSource = Callable[[DocumentResult], "str | None"]


def read_document_text(doc: DocumentResult, settings: Settings | None = None) -> str | None:
    """Read the document again (only when it is still the bytes that were scanned), in a worker process within
    the per-document budget of ``settings``, as the scan read it."""
    if doc.path.startswith("<") or not os.path.isfile(doc.path):
        return None
    try:
        with open(doc.path, "rb") as fh:
            data = fh.read(MAX_REREAD_BYTES)
    except OSError:
        return None
    if doc.sha256 and hashlib.sha256(data).hexdigest() != doc.sha256:
        return None
    got = extract_data(data, doc.path, settings if settings is not None else Settings())
    return got.text if isinstance(got, Extracted) else None  # an error only costs the context lines


def ensure_sketch(doc: DocumentResult, source: TextSource = read_document_text) -> None:
    """Sketch a document the scan did not (one without findings), before it is registered by name."""
    if doc.sketch or doc.error is not None:
        return
    text = source(doc)
    if text:
        doc.sketch = sketch(text)
