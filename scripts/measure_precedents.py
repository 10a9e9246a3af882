#!/usr/bin/env python3
"""Measure precedent scorers on the bundled library, leave-one-out: for each published case, its nearest
other case above a threshold, and whether that neighbour was decided under the same 条例 item
(``fcr_equivalent``). Coverage = share of cases that get a neighbour; precision = share of those that agree.
This is how fairreview/precedent.py's scorer and THRESHOLD were chosen.

    python scripts/measure_precedents.py
"""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz, process

from fairreview.precedent import bigrams, library, normalise

Scorer = Callable[..., float]
SCORERS: dict[str, tuple[Scorer, bool]] = {
    "ratio (chars)": (fuzz.ratio, False),
    "partial_ratio (chars)": (fuzz.partial_ratio, False),
    "WRatio (chars)": (fuzz.WRatio, False),
    "ratio (bigrams)": (fuzz.ratio, True),
    "token_sort_ratio (bigrams)": (fuzz.token_sort_ratio, True),
    "token_set_ratio (bigrams)": (fuzz.token_set_ratio, True),
}
THRESHOLDS = (38, 42, 46, 50, 54, 58)


def main() -> None:
    lib = library()
    chars = [normalise(p.text) for p in lib]
    for name, (scorer, use_bigrams) in SCORERS.items():
        keys = [bigrams(c) for c in chars] if use_bigrams else chars
        best: list[tuple[float, bool]] = []
        for i, p in enumerate(lib):
            hits = process.extract(keys[i], keys, scorer=scorer, limit=2)
            score, j = next((s, j) for _, s, j in hits if j != i)
            best.append((score, bool(set(p.fcr_equivalent) & set(lib[j].fcr_equivalent))))
        cells = []
        for t in THRESHOLDS:
            kept = [agree for score, agree in best if score >= t]
            cells.append(f"≥{t}: {len(kept) / len(best):4.0%} / {sum(kept) / max(1, len(kept)):4.0%}")
        print(f"{name:27s} coverage / same-item precision  " + "  ".join(cells))


if __name__ == "__main__":
    main()
