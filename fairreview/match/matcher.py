"""Match: lexicon rules over a document's sentences.

Candidates come from one Aho–Corasick pass over the trigger terms; only candidate sentences see the
finer checks (co-occurring terms, ordered sequences, regex, exclusions, word boundaries, polarity, the
条例 Art. 12 exception).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Sentence, Structure
from .automaton import TermIndex, group_by_span
from .exceptions import art12_exception
from .lexicon import Lexicon, Pattern, Rule
from .polarity import lead_in_polarity, polarity
from .segmenter import Segmenter


@dataclass
class Match:
    rule: Rule
    sentence: Sentence
    evidence: list[str]
    severity: str
    note: str | None = None
    head: int = 0  # offset of the matched words in the normalised text


def _seq_heads(st: str, steps: tuple[tuple[str, ...], ...], gap: int) -> list[tuple[int, list[str], int]]:
    """Ordered matches of ``steps`` with at most ``gap`` characters between consecutive steps.

    Returns (first start, words, last start) for each way the sequence is completed from a first-step hit.
    """
    out: list[tuple[int, list[str], int]] = []

    def extend(step: int, after: int, words: list[str], first: int, last: int) -> None:
        if step == len(steps):
            out.append((first, words, last))
            return
        best: tuple[int, str] | None = None
        for term in steps[step]:
            i = st.find(term, after, after + gap + len(term))
            if i != -1 and (best is None or i < best[0]):
                best = (i, term)
        if best is not None:
            extend(step + 1, best[0] + len(best[1]), [*words, best[1]], first, best[0])

    for term in steps[0]:
        start = st.find(term)
        while start != -1:
            extend(1, start + len(term), [term], start, start)
            start = st.find(term, start + 1)
    return out


_ALTERNATIONS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _contains_any(terms: tuple[str, ...], text: str) -> bool:
    """Whether any of ``terms`` occurs in ``text``: one C-level regex search instead of a Python loop
    (long ``not``/``exceptions`` lists were a large share of matching time)."""
    if len(terms) <= 2:
        return any(t in text for t in terms)
    rx = _ALTERNATIONS.get(terms)
    if rx is None:
        rx = _ALTERNATIONS[terms] = re.compile("|".join(map(re.escape, terms)))
    return rx.search(text) is not None


class Matcher:
    def __init__(self, lexicon: Lexicon, segmenter: Callable[[], Segmenter] | None = None):
        self.lexicon = lexicon
        self._segmenter_factory = segmenter
        self._segmenter: Segmenter | None = None
        self.by_trigger: dict[str, list[tuple[Rule, Pattern]]] = defaultdict(list)
        # Necessary conditions checked on the set of terms a sentence contains, before any string work:
        # every later sequence step and (sentence scope) every co-occurrence group must be present, and no
        # sentence-scope exclusion may be. One automaton over all terms answers all of them at once.
        self.needs: dict[int, tuple[list[frozenset[str]], frozenset[str]]] = {}
        terms: set[str] = set()
        for rule in lexicon.rules:
            for pat in rule.patterns:
                for t in pat.triggers():
                    self.by_trigger[t].append((rule, pat))
                required = [frozenset(step) for step in pat.seq[1:]]
                if pat.scope == "sentence":
                    required += [frozenset(group) for group in pat.all]
                excluded = frozenset(pat.not_) if pat.scope == "sentence" else frozenset()
                self.needs[id(pat)] = (required, excluded)
                terms |= pat.terms()
        self.by_trigger = dict(self.by_trigger)
        self.index = TermIndex(terms)

    @property
    def segmenter(self) -> Segmenter | None:
        if self._segmenter is None and self._segmenter_factory is not None:
            self._segmenter = self._segmenter_factory()
        return self._segmenter

    def scope_text(self, text: str, structure: Structure, sentence: Sentence) -> str:
        """The clause holding the sentence plus the lead-in sentences of its enclosing clauses."""
        parts = []
        idx: int | None = sentence.clause
        depth = 0
        while idx is not None and depth < 4:
            c = structure.clauses[idx]
            parts.append(text[c.start : c.end])
            idx = c.parent
            depth += 1
        return "\n".join(reversed(parts))

    def match(self, text: str, structure: Structure) -> list[Match]:
        sentences = structure.sentences
        spans = [(s.start, s.end) for s in sentences]
        per_sentence = group_by_span(self.index.find(text), spans)
        out: list[Match] = []
        for sent, hits in zip(sentences, per_sentence, strict=True):
            if not hits:
                continue
            candidates: dict[str, list[Pattern]] = {}
            rules: dict[str, Rule] = {}
            present = hits.keys()
            for term in hits:
                for rule, pat in self.by_trigger.get(term, ()):
                    required, excluded = self.needs[id(pat)]
                    if excluded & present or not all(group & present for group in required):
                        continue
                    pats = candidates.setdefault(rule.code, [])
                    if pat not in pats:
                        pats.append(pat)
                    rules[rule.code] = rule
            st = text[sent.start : sent.end]
            clause_text: str | None = None
            # an item under "不得实施下列行为：" restates the ban (polarity.lead_in_polarity)
            own = structure.clauses[sent.clause] if 0 <= sent.clause < len(structure.clauses) else None
            lead = structure.clauses[own.parent] if own is not None and own.parent is not None else None
            lead_negated = lead is not None and lead_in_polarity(text[lead.start : lead.end]).negated
            for code in sorted(candidates, key=lambda c: (self.lexicon_order(c), c)):
                rule = rules[code]
                for pat in candidates[code]:
                    if pat.scope == "clause" or rule.exceptions:
                        clause_text = clause_text or self.scope_text(text, structure, sent)
                    m = self._eval(rule, pat, st, hits, clause_text, lead_negated)
                    if m is None:
                        continue
                    head, evidence = m
                    severity, note = rule.severity, None
                    if severity in ("error", "warning"):
                        clause_text = clause_text or self.scope_text(text, structure, sent)
                        reason = art12_exception(clause_text)
                        if reason:
                            severity, note = "info", reason
                    out.append(Match(rule, sent, evidence, severity, note, sent.start + head))
                    break
        return out

    def lexicon_order(self, code: str) -> int:
        if not hasattr(self, "_order"):
            self._order = {r.code: i for i, r in enumerate(self.lexicon.rules)}
        return self._order.get(code, 0)

    def _eval(
        self,
        rule: Rule,
        pat: Pattern,
        st: str,
        hits: dict[str, list[int]],
        clause_text: str | None,
        lead_negated: bool = False,
    ) -> tuple[int, list[str]] | None:
        scope = clause_text if pat.scope == "clause" and clause_text is not None else st
        if pat.not_ and _contains_any(pat.not_, scope):
            return None
        if rule.exceptions:
            exc_scope = clause_text if clause_text is not None else st
            if _contains_any(rule.exceptions, exc_scope):
                return None
        # Cheap necessary conditions first: every later step of a sequence and every co-occurrence group must
        # appear somewhere in the text it is looked for in (a window lies inside it).
        if pat.seq and not all(_contains_any(step, st) for step in pat.seq[1:]):
            return None
        if pat.all and not all(_contains_any(group, scope) for group in pat.all):
            return None
        regex_hit = None
        if pat.regex is not None:
            rm = pat.regex.search(scope)
            if rm is None:
                return None
            regex_hit = rm.group(0)
        heads: list[tuple[int, list[str], int]] = []  # (first, words, polarity position)
        if pat.any:
            for term in pat.any:
                for pos in hits.get(term, ()):
                    heads.append((pos, [term], pos))
        else:
            heads = [(first, words, first) for first, words, _ in _seq_heads(st, pat.seq, pat.gap)]
        heads.sort(key=lambda h: h[0])
        for first, words, pol_pos in heads:
            if pat.word and not self._on_boundaries(st, first, words[0]):
                continue
            found_all: list[str] = []
            ok = True
            for group in pat.all:
                if pat.window is not None and pat.scope == "sentence":
                    lo = max(0, first - pat.window)
                    hi = first + len(words[0]) + pat.window
                    window_text = st[lo:hi]
                else:
                    window_text = scope
                found = next((t for t in group if t in window_text), None)
                if found is None:
                    ok = False
                    break
                found_all.append(found)
            if not ok:
                continue
            if rule.negation and (lead_negated or polarity(st, pol_pos).negated):
                continue
            evidence = list(dict.fromkeys([*words, *found_all, *([regex_hit] if regex_hit else [])]))
            return first, evidence
        return None

    def _on_boundaries(self, st: str, start: int, term: str) -> bool:
        seg = self.segmenter
        if seg is None:
            return True
        b = seg.boundaries(st)
        return start in b and start + len(term) in b
