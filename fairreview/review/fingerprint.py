"""Identities that survive what happens to documents between scans.

A reviewer's decision is keyed by (document, rule, sentence). None of these may depend on line numbers,
the file path or the file format, because documents are moved, re-exported (.txt → .docx → .pdf) and edited
elsewhere between two clean-up rounds:

- **sentence**: a hash of the normalised sentence (NFKC, whitespace removed, the leading heading marker such
  as ``第五条`` or ``（二）`` removed, so that renumbering does not reopen every decision);
- **document**: resolved, in this order, by the exact bytes (sha256: the same file, moved), by the normalised
  title + 文号 (re-exported or edited), and by a bottom-k sketch of the normalised text's character
  5-grams (no title, or a changed one). The sketch tolerates edits of a few clauses and ignores layout.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import zlib
from dataclasses import dataclass

from ..read.normalize import normalize
from ..structure.markers import CN_NUM

SHINGLE = 5
SKETCH_SIZE = 128

# A heading marker at the start of a sentence, on normalised text; may repeat ("第五条 (一)").
_LEADING_MARKER = re.compile(
    rf"^(?:第[{CN_NUM}\d]+(?:编|部分|章|节|条|款|项)|[{CN_NUM}]+[、.]|\([{CN_NUM}\d]{{1,3}}\)|\d{{1,3}}[、.](?!\d)"
    r"|[\u2460-\u2473])\s*"
)
_SPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """Normalised text without any whitespace: what survives a change of format or layout."""
    return _SPACE.sub("", normalize(text).text)


def sentence_text(text: str) -> str:
    """The sentence as it is compared: compacted, without its leading heading marker(s)."""
    s = _SPACE.sub(" ", normalize(text).text).strip()
    while True:
        m = _LEADING_MARKER.match(s)
        if not m or m.end() == len(s):
            break
        s = s[m.end() :]
    return _SPACE.sub("", s)


def sentence_fingerprint(text: str) -> str:
    return hashlib.sha256(sentence_text(text).encode("utf-8")).hexdigest()[:24]


def title_key(title: str | None, doc_number: str | None = None) -> str | None:
    """The normalised title and 文号: the document's name, independent of file and format."""
    t = compact(title or "")
    if not t:
        return None
    n = compact(doc_number or "")
    return hashlib.sha256(f"{t}|{n}".encode()).hexdigest()[:24]


def sketch(text: str) -> list[int]:
    """Bottom-k sketch (the k smallest CRC32 values) of the compacted text's character 5-grams."""
    s = compact(text)
    if not s:
        return []
    n = max(1, len(s) - SHINGLE + 1)
    hashes = {zlib.crc32(s[i : i + SHINGLE].encode("utf-8")) for i in range(n)}
    return sorted(heapq.nsmallest(SKETCH_SIZE, hashes))


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the two shingle sets (exact for short documents)."""
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    k = min(len(sa), len(sb))
    # The k smallest of the union are known exactly from the two sketches when k ≤ both sizes.
    smallest = heapq.nsmallest(k, sa | sb)
    return sum(1 for h in smallest if h in sa and h in sb) / len(smallest)


@dataclass
class DocIdentity:
    sha256: str | None
    title_key: str | None
    sketch: list[int]
    title: str | None = None
    doc_number: str | None = None


def identity(sha256: str | None, title: str | None, doc_number: str | None, text: str | None) -> DocIdentity:
    return identity_of(sha256, title, doc_number, sketch(text) if text else [])


def identity_of(sha256: str | None, title: str | None, doc_number: str | None, text_sketch: list[int]) -> DocIdentity:
    """The identity of a document whose text was sketched already (at scan time)."""
    return DocIdentity(sha256, title_key(title, doc_number), list(text_sketch), title, doc_number)
