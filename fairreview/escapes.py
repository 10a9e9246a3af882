"""Names and text from outside are data: a lossless, visible escape, and spreadsheet cells that are never formulas.

File names may hold bytes that are not UTF-8 (an archive copied from a GBK system): Python keeps them as
surrogates (``surrogateescape``), which no UTF-8 file, SQLite text or spreadsheet can hold. Names and
document text may also hold control characters (ESC, BEL) that openpyxl refuses and terminals obey.

:func:`escape_text` writes every such character as a backslash escape a person can read and a program can
undo (:func:`unescape_text` is its exact inverse):

- an undecodable byte ``0xB9`` (surrogate U+DCB9) → ``\\xb9``
- a C0 control or DEL (U+001B) → ``\\x1b``; tab, line feed and carriage return are kept
- C1 controls, other lone surrogates, bidirectional overrides, BOM and noncharacters → ``\\u202e``
- a backslash is doubled only where it would otherwise start one of these escapes (before ``\\``, ``x``
  or ``u``), so Windows paths stay as they are: ``C:\\公文\\a.txt``

:func:`sheet_cell` adds the spreadsheet guard for CSV: a value that starts with ``= + - @``, a tab or a
carriage return (or with the guard's own apostrophe) gets a leading ``'``, so Excel and LibreOffice show text
instead of running a formula. XLSX cells are typed as text and marked ``quotePrefix`` instead, so the value
itself is shown unchanged (:func:`formula_like` tells the ledger writer when).
"""

from __future__ import annotations

import re

# Characters written as escapes. Tab, LF and CR are ordinary text in CSV and XLSX cells.
_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_C1 = "\x80-\x9f"
_SURROGATES = "\ud800-\udfff"
_INVISIBLE = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff"
_SPECIAL = re.compile(f"[{_C0}{_C1}{_SURROGATES}{_INVISIBLE}]")
_NEEDS_WORK = re.compile(f"[{_C0}{_C1}{_SURROGATES}{_INVISIBLE}\\\\]")
_ESCAPE_START = set("\\xu")
_TOKEN = re.compile(r"\\(?:(\\)|x([0-9a-f]{2})|u([0-9a-f]{4}))")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def _escape_char(c: str) -> str:
    o = ord(c)
    if 0xDC80 <= o <= 0xDCFF:
        return f"\\x{o - 0xDC00:02x}"  # the undecodable byte itself
    if o < 0x20 or o == 0x7F:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}"


def escape_text(text: str) -> str:
    """Lossless and visible: safe for UTF-8 files, SQLite, spreadsheets and terminals (see module doc)."""
    if not _NEEDS_WORK.search(text):
        return text
    out: list[str] = []
    n = len(text)
    for i, c in enumerate(text):
        if c == "\\":
            nxt = text[i + 1] if i + 1 < n else ""
            # doubled only when the next written character would make this backslash start an escape
            out.append("\\\\" if nxt in _ESCAPE_START or (nxt and _SPECIAL.match(nxt)) else "\\")
        elif _SPECIAL.match(c):
            out.append(_escape_char(c))
        else:
            out.append(c)
    return "".join(out)


def _unescape_token(m: re.Match[str]) -> str:
    if m.group(1):
        return "\\"
    if m.group(2):
        v = int(m.group(2), 16)
        return chr(0xDC00 + v) if v >= 0x80 else chr(v)
    return chr(int(m.group(3), 16))


def unescape_text(text: str) -> str:
    """The original text of :func:`escape_text` (surrogates restored; ``os.fsencode`` gives the bytes)."""
    if "\\" not in text:
        return text
    return _TOKEN.sub(_unescape_token, text)


_LONE_SURROGATE = re.compile(f"[{_SURROGATES}]")


def has_surrogates(text: str) -> bool:
    """True when the text cannot be encoded as UTF-8 (undecodable bytes of a file name, kept as surrogates)."""
    return bool(_LONE_SURROGATE.search(text))


def has_unsafe(text: str) -> bool:
    """True when :func:`escape_text` changes something other than backslashes."""
    return bool(_SPECIAL.search(text))


def formula_like(value: str) -> bool:
    """A spreadsheet would take this text for a formula (or, in CSV, for our guard)."""
    return value.startswith(FORMULA_START) or value.startswith(GUARD)


def sheet_cell(text: str) -> str:
    """A CSV cell: escaped, and never a formula (see module doc)."""
    value = escape_text(text)
    return GUARD + value if formula_like(value) else value


def from_sheet_cell(value: str) -> str:
    """The original text of :func:`sheet_cell`."""
    if value.startswith(GUARD):
        value = value[len(GUARD):]
    return unescape_text(value)
