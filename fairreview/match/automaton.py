"""One Aho–Corasick automaton over every term of every rule: candidates are found in one pass."""

from __future__ import annotations

from collections import defaultdict

import ahocorasick


class TermIndex:
    def __init__(self, terms: set[str]):
        self.automaton = ahocorasick.Automaton()
        for t in sorted(terms):
            if t:
                self.automaton.add_word(t, t)
        self.empty = not terms
        if not self.empty:
            self.automaton.make_automaton()

    def find(self, text: str) -> list[tuple[int, str]]:
        """All (start, term) occurrences, overlapping ones included, sorted by start."""
        if self.empty:
            return []
        hits = [(end - len(term) + 1, term) for end, term in self.automaton.iter(text)]
        hits.sort()
        return hits


def group_by_span(hits: list[tuple[int, str]], spans: list[tuple[int, int]]) -> list[dict[str, list[int]]]:
    """Distribute hits over non-overlapping sorted spans: per span, term → starts relative to the span."""
    out: list[dict[str, list[int]]] = [defaultdict(list) for _ in spans]
    j = 0
    for pos, term in hits:
        while j < len(spans) and spans[j][1] <= pos:
            j += 1
        if j == len(spans):
            break
        s, e = spans[j]
        if s <= pos and pos + len(term) <= e:
            out[j][term].append(pos - s)
    return out
