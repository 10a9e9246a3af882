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

For a terminal, :func:`screen_text` (document text: line feeds and tabs kept) and :func:`screen_name` (a file
name or any one-line value: line feeds, tabs and carriage returns escaped too) show the same escapes, so an
ESC, BEL or CSI (``\\x9b``) in a name or a document never reaches the terminal (not lossless: backslashes
stay single, so showing a text twice escapes it once). :func:`escape_tree` escapes
every string of a JSON value (keys included), so JSON output is valid UTF-8, lossless and terminal-safe.
:func:`map_strings` applies such a function to every string of a result (dataclasses, lists, dicts), for the
renderers of what a person reads.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

# Characters written as escapes. Tab, LF and CR are ordinary text in CSV and XLSX cells.
_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_C1 = "\x80-\x9f"
_SURROGATES = "\ud800-\udfff"
_INVISIBLE = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff"
_SPECIAL = re.compile(f"[{_C0}{_C1}{_SURROGATES}{_INVISIBLE}]")
_NEEDS_WORK = re.compile(f"[{_C0}{_C1}{_SURROGATES}{_INVISIBLE}\\\\]")
_ESCAPE_START = set("\\xu")
# In JSON text, what a string that escape_text would change leaves: a backslash (JSON writes C0 controls, and
# the backslash itself, as escapes) or a character JSON writes as it is (DEL, C1, surrogates, invisible ones).
_CHANGED_IN_JSON = re.compile(f"[\\\\\x7f{_C1}{_SURROGATES}{_INVISIBLE}]")
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


# -- terminals and JSON ----------------------------------------------------------------------------------
_SCREEN_TEXT = re.compile(f"[{_C0}{_C1}{_SURROGATES}{_INVISIBLE}\r]")
_SCREEN_NAME = re.compile(f"[{_C0}{_C1}{_SURROGATES}{_INVISIBLE}\t\n\r]")
T = TypeVar("T")


def _screen_sub(m: re.Match[str]) -> str:
    return _escape_char(m.group())


def screen_text(text: str) -> str:
    """Text for a terminal: the escapes of :func:`escape_text` for what a terminal would obey or hide, and a
    carriage return (which lets a line overwrite the one before it) as ``\\x0d``; line feeds and tabs stay.
    Backslashes are left alone: a screen needs no inverse, and so text already escaped (or shown twice)
    looks the same."""
    return _SCREEN_TEXT.sub(_screen_sub, text)


def screen_name(text: str) -> str:
    """A file name (or any one-line value) for a terminal: as :func:`screen_text`, line feeds and tabs
    escaped too, so a name is always one visible line."""
    return _SCREEN_NAME.sub(_screen_sub, text)


def escape_tree(value: Any) -> Any:
    """A JSON value with every string (and key) through :func:`escape_text`: encodable as UTF-8 whatever the
    names held, and :func:`unescape_text` gives each original back."""
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, dict):
        return {escape_tree(k): escape_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [escape_tree(v) for v in value]
    return value


def json_escaped(value: Any, dumps: Callable[[Any], str]) -> str:
    """``dumps(escape_tree(value))``, without building the escaped copy when no string of ``value`` needs it:
    ``dumps`` (JSON with ``ensure_ascii=False``) shows every such string by a backslash or the character itself."""
    text = dumps(value)
    return dumps(escape_tree(value)) if _CHANGED_IN_JSON.search(text) else text


def map_strings(obj: T, fn: Callable[[str, str], str], name: str = "") -> T:
    """A copy of ``obj`` with every string ``s`` of it (in dataclass fields, lists, tuples, dict values)
    replaced by ``fn(field_name, s)``; ``obj`` itself is not changed."""
    if isinstance(obj, str):
        return fn(name, obj)  # type: ignore[return-value]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: map_strings(getattr(obj, f.name), fn, f.name)
                   for f in dataclasses.fields(obj) if f.init}
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, list):
        return [map_strings(v, fn, name) for v in obj]  # type: ignore[return-value]
    if isinstance(obj, tuple):
        return tuple(map_strings(v, fn, name) for v in obj)  # type: ignore[return-value]
    if isinstance(obj, dict):
        return {k: map_strings(v, fn, name) for k, v in obj.items()}  # type: ignore[return-value]
    return obj


#: fields that hold a file name or another one-line value: shown by :func:`screen_name`
NAME_FIELDS = frozenset({"path", "location", "rule", "reviewer", "doc_number", "issuer", "format", "encoding"})


def _screen_field(field_name: str, value: str) -> str:
    return screen_name(value) if field_name in NAME_FIELDS else screen_text(value)


def for_screen(obj: T) -> T:
    """A copy of a result or report whose strings are safe to show on a terminal (names on one line)."""
    return map_strings(obj, _screen_field)
