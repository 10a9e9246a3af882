"""NFKC normalisation with a map back to the original offsets.

Matching runs on normalised characters (full-width → half-width, compatibility forms folded, PDF spacing
artefacts such as ``2024 年`` or ``公 平 竞 争`` removed); every finding is reported in original offsets.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
# Circled numbers are item markers in Chinese documents; NFKC would turn ① into a bare "1".
_KEEP = {chr(c) for c in range(0x2460, 0x2474)}


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


def _joinable(ch: str) -> bool:
    return is_cjk(ch) or ch.isdigit() or ch in "〔〕《》“”、。()%"


@dataclass
class Normalized:
    text: str
    offsets: list[int]  # offsets[i] = original offset of normalised char i; len(text) + 1 entries

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) span to the original text."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize(original: str) -> Normalized:
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(original):
        if ch in _ZERO_WIDTH:
            continue
        if ch == "\r":
            if i + 1 < len(original) and original[i + 1] == "\n":
                continue
            ch = "\n"
        norm = ch if ch in _KEEP or ch.isascii() else unicodedata.normalize("NFKC", ch)
        for c in norm:
            chars.append(c)
            offsets.append(i)
    # Drop spaces that sit between CJK characters or digits (PDF and typesetting artefacts).
    out: list[str] = []
    out_off: list[int] = []
    n = len(chars)
    i = 0
    while i < n:
        c = chars[i]
        if c in " \t":
            j = i
            while j < n and chars[j] in " \t":
                j += 1
            prev = out[-1] if out else ""
            nxt = chars[j] if j < n else ""
            if prev and nxt and _joinable(prev) and _joinable(nxt) and (is_cjk(prev) or is_cjk(nxt)):
                i = j
                continue
        out.append(c)
        out_off.append(offsets[i])
        i += 1
    out_off.append(len(original))
    return Normalized("".join(out), out_off)


def normalize_term(term: str) -> str:
    """Lexicon terms go through the same folding as document text."""
    return normalize(term).text.strip()
