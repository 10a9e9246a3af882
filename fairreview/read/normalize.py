"""NFKC normalisation with a map back to the original offsets.

Matching runs on normalised characters (full-width → half-width, compatibility forms folded, PDF spacing
artefacts such as ``2024 年`` or ``公 平 竞 争`` removed); every finding is reported in original offsets.

Speed matters (this runs over every character of every document): characters whose NFKC form is one
character go through one ``str.translate``; only the rare characters that expand or vanish take the slow
path that edits the offset map.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from .. import precomputed

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Kept as they are: circled numbers are item markers (NFKC would make ① a bare "1"), and the ellipsis
# would expand to three dots.
_KEEP = {chr(c) for c in range(0x2460, 0x2474)} | {"…", "‥"}


def _build_tables() -> tuple[dict[int, str], str]:
    one: dict[int, str] = {}
    multi: list[str] = []
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        if ch in _KEEP or 0xD800 <= cp <= 0xDFFF:
            continue
        n = unicodedata.normalize("NFKC", ch)
        if n == ch:
            continue
        if len(n) == 1:
            one[cp] = n
        else:
            multi.append(ch)
    return one, "".join(multi)


FOLDS_TABLE = "nfkc_folds"


def _shipped_tables() -> tuple[dict[int, str], str] | None:
    """:func:`_build_tables` as shipped (fairreview/precomputed.py), if made with this Python's Unicode version:
    one-to-one folds as two strings of equal length, from and to."""
    table = precomputed.load(FOLDS_TABLE, unicode=unicodedata.unidata_version)
    if table is None:
        return None
    return dict(zip(map(ord, table["from"]), table["to"], strict=True)), table["multi"]


@functools.cache
def _tables() -> tuple[dict[int, str], re.Pattern[str], re.Pattern[str]]:
    """(one-to-one folds, a regex finding them, a regex finding the characters of the slow path); read from the
    shipped table where it applies, else built on first use (6 ms: every BMP character through NFKC), so a
    process that never normalises text never pays it."""
    one, multi = _shipped_tables() or _build_tables()
    # Finding the few folded characters with a regex and replacing each distinct one is ~7× faster than
    # str.translate or iterating the string in Python (both create an object per character).
    folds = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(one)) + "]")
    # Characters that need the offset-editing path: expanding/vanishing ones, CR, zero-width, astral planes.
    slow = re.compile("[" + re.escape(multi + _ZERO_WIDTH + "\r") + "\U00010000-\U0010ffff]")
    return one, folds, slow


#: Spaces between CJK characters or between CJK and digits are typesetting and PDF artefacts: a run of spaces
#: and tabs goes when a CJK character stands on one side and a CJK character, digit or one of :data:`_NEXT_TO_CJK`
#: on the other (:func:`_artefact`; tests/test_core_normalize.py checks it against the one regex that says so).
_NEXT_TO_CJK = "〔〕《》“”、。()%"
_RUNS = re.compile(r"[ \t]+")


def _cjk_bmp(ch: str) -> bool:
    """``ch`` is a CJK ideograph of the BMP (U+3400–4DBF, U+4E00–9FFF, U+F900–FAFF), tested by code point: a
    character class of these ranges costs 1.5 ms to compile, more than the few characters asked about."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def _cjk_or_near(ch: str) -> bool:
    return _cjk_bmp(ch) or "0" <= ch <= "9" or ch in _NEXT_TO_CJK


def _artefact(text: str, start: int, end: int) -> bool:
    """The run of spaces ``text[start:end]`` stands between CJK and CJK, digits or brackets."""
    if start == 0 or end == len(text):
        return False
    before, after = text[start - 1], text[end]
    if _cjk_bmp(before):
        return _cjk_or_near(after)
    return _cjk_or_near(before) and _cjk_bmp(after)


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


@dataclass
class Normalized:
    text: str
    # offsets[i] = original offset of normalised char i; len(text) + 1 entries (a range when nothing moved)
    offsets: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) span to the original text."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


def _special(ch: str, nxt: str) -> str:
    """The normalised form of a character that expands, vanishes or is a line-break CR."""
    if ch in _ZERO_WIDTH:
        return ""
    if ch == "\r":
        return "" if nxt == "\n" else "\n"
    return unicodedata.normalize("NFKC", ch)


class _Pieces(Sequence[int]):
    """Offsets of a text that runs were cut out of (and nothing else moved): normalised position → original,
    one entry per piece kept, instead of one per character."""

    __slots__ = ("_length", "_origins", "_starts")

    def __init__(self, starts: list[int], origins: list[int], length: int):
        self._starts, self._origins, self._length = starts, origins, length

    @classmethod
    def cut(cls, length: int, cuts: list[tuple[int, int]]) -> _Pieces:
        """Offsets ``range(length)`` without the ``cuts`` (sorted, apart, inside)."""
        starts, origins = [0], [0]
        for start, end in cuts:
            starts.append(starts[-1] + start - origins[-1])
            origins.append(end)
        return cls(starts, origins, length - sum(end - start for start, end in cuts))

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...

    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._length))]
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError(i)
        k = bisect.bisect_right(self._starts, i) - 1
        return self._origins[k] + i - self._starts[k]


def _pieces(text: str, cuts: list[tuple[int, int]]) -> list[str]:
    out, pos = [], 0
    for start, end in cuts:
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return out


def normalize(original: str) -> Normalized:
    offsets: Sequence[int]
    one, folds, slow = _tables()
    # one-to-one folds keep every offset; str.replace per distinct folded character runs in C
    text = original
    for ch in set(folds.findall(original)):
        text = text.replace(ch, one[ord(ch)])
    offsets = range(len(original) + 1)
    if slow.search(text):
        parts: list[str] = []
        moved: list[int] = []
        pos = 0
        for m in slow.finditer(text):
            i = m.start()
            parts.append(text[pos:i])
            moved.extend(range(pos, i))
            norm = _special(text[i], text[i + 1 : i + 2])
            parts.append(norm)
            moved.extend([i] * len(norm))
            pos = i + 1
        parts.append(text[pos:])
        moved.extend(range(pos, len(text) + 1))
        text, offsets = "".join(parts), moved
    cuts = [m.span() for m in _RUNS.finditer(text) if _artefact(text, *m.span())]
    if cuts and isinstance(offsets, range):  # nothing moved before: the map is a few shifted pieces
        return Normalized("".join(_pieces(text, cuts)), _Pieces.cut(len(text) + 1, cuts))
    if cuts:
        keep_text: list[str] = []
        keep_off: list[int] = []
        pos = 0
        for start, end in cuts:
            keep_text.append(text[pos:start])
            keep_off.extend(offsets[pos:start])
            pos = end
        keep_text.append(text[pos:])
        keep_off.extend(offsets[pos:])
        text, offsets = "".join(keep_text), keep_off
    return Normalized(text, offsets)


def normalize_term(term: str) -> str:
    """Lexicon terms go through the same folding as document text."""
    return normalize(term).text.strip()



