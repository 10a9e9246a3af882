"""The budgets of one document's reading, in one place (docs/formats.md lists them for users).

Readers take the limits in force with :func:`current`; :func:`fairreview.read.extract` sets them for the
duration of one call (``extract(data, name, limits=ReadLimits(max_pages=100))``), so a reader registered by a
caller keeps the plain ``(data, name)`` signature. The defaults are far above anything a real 规范性文件 needs
(the 925 regulations and 352 policies of the shared corpus stay below a tenth of each) and stop the bombs
a hostile archive holds before they cost minutes or gigabytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

MB = 1024 * 1024


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class ReadLimits:
    #: pages of a PDF or OFD (the longest document of the corpus has under 40)
    max_pages: int = 500
    #: characters extracted from one document, any format (the longest corpus document has 31,155)
    max_chars: int = 2_000_000
    #: declared uncompressed size of all members of a zip package (docx, xlsx, OFD)
    max_unpacked_bytes: int = 512 * MB
    #: compression ratio above which a large package is taken for a zip bomb
    max_ratio: int = 200
    #: members of one zip package
    max_members: int = 20_000
    #: one member (an XML part) after decompression
    max_member_bytes: int = 64 * MB
    #: bytes decompressed while reading one package, summed over every read (OFD pages may share a part)
    max_inflated_bytes: int = 256 * MB
    #: cells of a spreadsheet
    max_cells: int = 5_000_000
    #: wall-clock seconds one converter run (LibreOffice, antiword) may take: below the per-document deadline
    #: (settings.Budget, 60 s), so a stuck converter is reported as such; a conversion takes about 1 s
    converter_timeout_s: float = _env_float("FAIRREVIEW_CONVERT_TIMEOUT", 50.0)
    #: bytes a converter may write (its text on stdout, or the converted file)
    converter_output_bytes: int = 64 * MB


DEFAULT = ReadLimits()
_CURRENT: ContextVar[ReadLimits] = ContextVar("fairreview_read_limits", default=DEFAULT)


def current() -> ReadLimits:
    """The limits of the document being read."""
    return _CURRENT.get()


@contextmanager
def using(limits: ReadLimits | None) -> Iterator[ReadLimits]:
    """Apply ``limits`` (None: the ones already in force) while one document is read."""
    if limits is None:
        yield _CURRENT.get()
        return
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)
