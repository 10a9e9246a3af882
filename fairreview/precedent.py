"""Precedents: for a finding, the most similar clause from a published typical case (典型案例).

Display only. Precedents are attached to findings the lexicon already made; they never create, remove or
change a finding, its severity or the verdict. The library (``data/precedents.jsonl``, built by
scripts/build_precedents.py, sources in data/SOURCES.md) is read on first use, so documents without
findings never load it.

Similarity: rapidfuzz ``token_set_ratio`` over character bigrams of the normalised text (NFKC, without
punctuation, spaces and digits). Chinese has no spaces, so character scorers (``ratio``,
``partial_ratio``) mostly see shared function characters; bigrams behave like words. Measured on the
bundled cases leave-one-out (scripts/measure_precedents.py): at 50, 23 % of cases get a neighbour and 89 %
of those were decided under the same 条例 item; at 46, 42 % / 82 %. Character ``partial_ratio`` gets 22 % /
85 % at 42 but only 11 % / 69 % at 46, plain ``ratio`` almost never passes any threshold.
Candidates that share the finding's 条例 item (or article) get a small bonus, so among similar cases the one
decided under the same provision is shown.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass

from .legal import DATA, provisions
from .model import Finding, PrecedentMatch

PRECEDENTS = DATA / "precedents.jsonl"
THRESHOLD = 50.0  # token_set_ratio on bigrams; below it neighbours are mostly about other practices
MIN_CHARS = 10  # shorter sentences have too few bigrams: any precedent containing them would score 100
BONUS_ITEM, BONUS_ARTICLE = 6.0, 3.0
_DROP = re.compile(r"[\s\W_\d]+")
_FCR_ITEM = re.compile(r"^FCR-(8|9|10|11)-\d+$")


@dataclass(frozen=True)
class Precedent:
    id: str
    text: str
    document: str
    issuer: str
    source: str
    provisions: tuple[str, ...]
    fcr_equivalent: tuple[str, ...]
    context: str
    confidence: str
    key: str  # normalised bigram string the scorer compares

    def match(self, score: float) -> PrecedentMatch:
        """What a finding carries of this precedent."""
        return PrecedentMatch(self.id, self.text, self.document, self.issuer, self.source,
                              list(self.fcr_equivalent), round(score, 1))


def normalise(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


def bigrams(norm: str) -> str:
    return " ".join(norm[i : i + 2] for i in range(len(norm) - 1)) or norm


@functools.lru_cache(maxsize=1)
def library() -> tuple[Precedent, ...]:
    if not PRECEDENTS.is_file():  # a trimmed install: no precedents, findings are unchanged
        return ()
    out = []
    for line in PRECEDENTS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        out.append(
            Precedent(
                id=row["id"],
                text=row["text"],
                document=row.get("document") or "",
                issuer=row.get("issuer") or "",
                source=row.get("source") or "",
                provisions=tuple(row.get("provisions") or ()),
                fcr_equivalent=tuple(row.get("fcr_equivalent") or ()),
                context=row.get("context") or "",
                confidence=row.get("confidence") or "",
                key=bigrams(normalise(row["text"])),
            )
        )
    return tuple(out)


def by_id() -> dict[str, Precedent]:
    return {p.id: p for p in library()}


def fcr_items(provision_ids: list[str] | tuple[str, ...]) -> set[str]:
    """The 条例 Art. 8–11 items a rule cites, directly or through the 实施办法 items it lists."""
    known = provisions()
    out = {p for p in provision_ids if _FCR_ITEM.match(p)}
    for p in provision_ids:
        prov = known.get(p)
        if prov is not None:
            out.update(t for t in prov.elaborates if _FCR_ITEM.match(t))
    return out


def _article(item: str) -> str:
    return item.rsplit("-", 1)[0]


def nearest(text: str, provision_ids: list[str] | tuple[str, ...] = (),
            threshold: float = THRESHOLD) -> tuple[Precedent, float] | None:
    """The most similar precedent with a raw score ≥ ``threshold``, preferring the same 条例 item/article."""
    lib = library()
    norm = normalise(text)
    if not lib or len(norm) < MIN_CHARS:
        return None
    items = fcr_items(provision_ids)
    articles = {_article(i) for i in items}
    from rapidfuzz import fuzz, process  # imported here: only documents with findings need it

    hits = process.extract(bigrams(norm), [p.key for p in lib], scorer=fuzz.token_set_ratio,
                           score_cutoff=threshold, limit=None)
    best: tuple[float, float, int] | None = None
    for _, score, idx in hits:
        prec = lib[idx]
        bonus = 0.0
        if items & set(prec.fcr_equivalent):
            bonus = BONUS_ITEM
        elif articles & {_article(i) for i in prec.fcr_equivalent}:
            bonus = BONUS_ARTICLE
        cand = (score + bonus, score, -idx)  # ties: the earlier (lower id) precedent, for determinism
        if best is None or cand > best:
            best = cand
    if best is None:
        return None
    return lib[-best[2]], best[1]


def attach(findings: list[Finding]) -> None:
    """Set ``precedent`` on each error/warning finding that has a similar published case."""
    for f in findings:
        if not f.flags():
            continue
        hit = nearest(f.text, f.provisions)
        if hit is not None:
            f.precedent = hit[0].match(hit[1])
