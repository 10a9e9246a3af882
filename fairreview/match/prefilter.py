"""Which patterns can match a sentence at all, decided before the sentence is read.

Every pattern gets the *needs* (:mod:`fairreview.concepts.needs`) that a sentence must meet for it to
match: one per atom of its frame (a class's words, a literal, what a span provider needs), one per
``with`` constraint read inside the sentence, and one for gates that look only at the sentence (scoring,
definition). Each need's words of two or more characters get a bit; the one automaton pass gives every
sentence the bits of the words it holds. A pattern is tried on a sentence only when

- the bit of its *trigger* (the need most likely to be absent) is set — sentences are sorted to patterns
  through these bits, never by testing every pattern;
- every need that words alone decide has its bit set;
- every other need (a single character, an expression) is met by the sentence text;
- nothing about the document rules it out (``{doc: …}``, ``{title: …}`` in ``with`` / ``unless``).

All of these are necessary conditions, so the matches are exactly those of trying every pattern on every
sentence; most sentences (more than 90 % of a regulation) never reach a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..concepts.classes import TermClass
from ..concepts.needs import Need, class_need, of_terms, union
from ..concepts.registry import span_needs
from ..concepts.spans import DocContext, SentenceView
from .context import SCORE, Constraint, holds
from .frames import Atom, FrameHit
from .lexicon import Pattern, Rule

#: Scopes of a ``with`` constraint that lie inside the sentence (item and lead reach its lead-in).
_IN_SENTENCE = ("clause", "sentence", "near", "before", "after")
_DOC_SCOPES = ("doc", "title")


def atom_needs(atom: Atom, classes: dict[str, TermClass]) -> tuple[Need, ...]:
    """Needs every one of which a sentence meets where ``atom`` occurs (empty: nothing is known)."""
    if atom.kind == "class":
        return (class_need(classes[atom.name]),)
    if atom.kind == "literal":
        return (of_terms(atom.terms),)
    if atom.kind == "span":
        return span_needs(atom.name, atom.kinds, atom.exclude_kinds, classes) or ()
    first = [atom_needs(a, classes) for a in atom.alts]
    need = union([n[0] if n else None for n in first])
    return (need,) if need is not None else ()


def _any_of(atoms: tuple[Atom, ...], classes: dict[str, TermClass]) -> Need | None:
    return union([n[0] if n else None for n in (atom_needs(a, classes) for a in atoms)])


def _gate_need(when: tuple[str, ...], classes: dict[str, TermClass]) -> Need | None:
    """Gates are alternatives: a need only when each of them reads nothing but the sentence."""
    out: list[Need | None] = []
    for name in when:
        if name == "scoring":
            out.append(Need(regexes=(SCORE,)))
        elif name == "definition":
            out.append(class_need(classes["definition"]))
        else:  # condition, preference, benefit may be met by the lead-in or the heading
            return None
    return union(out)


def pattern_needs(pat: Pattern, classes: dict[str, TermClass]) -> list[Need]:
    needs: list[Need] = []
    for atom in pat.frame.atoms:
        needs.extend(atom_needs(atom, classes))
    for c in pat.with_:
        if c.scope in _IN_SENTENCE and c.atoms:
            need = _any_of(c.atoms, classes)
            if need is not None:
                needs.append(need)
    if pat.when:
        need = _gate_need(pat.when, classes)
        if need is not None:
            needs.append(need)
    return list(dict.fromkeys(needs))


def _weight(need: Need) -> float:
    """How often a need is likely to be met: short words are everywhere, long ones rare."""
    return sum(4.0 ** -(len(t) - 2) for t in need.terms)


@dataclass(frozen=True)
class Candidate:
    """A pattern of a rule, ready for the sentences its needs let through."""

    rule: Rule
    pattern: Pattern
    index: int  # lexicon order
    position: int  # the pattern's place in its rule: patterns are tried in the order they are written
    trigger: int  # the bit through which sentences reach it
    required: int  # bits that must all be set
    lazy: tuple[tuple[int, Need], ...]  # needs read from the text unless their bit is set
    doc_checks: tuple[tuple[bool, Constraint], ...]  # (must hold, constraint) on the document alone

    def possible(self, doc: DocContext, classes: dict[str, TermClass]) -> bool:
        if not self.doc_checks:
            return True
        view, hit = SentenceView("", doc=doc), FrameHit(0, 0, ())
        return all(holds(c, view, hit, classes) == must for must, c in self.doc_checks)


class Prefilter:
    """Needs of every pattern of a lexicon, numbered; the automaton's terms with their bits."""

    def __init__(self, rules: list[Rule], classes: dict[str, TermClass]):
        self.bits: dict[Need, int] = {}
        self.candidates: list[Candidate] = []
        for i, rule in enumerate(rules):
            for j, pat in enumerate(rule.patterns):
                self.candidates.append(self._plan(rule, pat, i, j, classes))
        self.terms: dict[str, int] = {}
        for need, bit in self.bits.items():
            for t in need.terms:
                self.terms[t] = self.terms.get(t, 0) | bit
        self.by_trigger: dict[int, tuple[Candidate, ...]] = {}
        for c in self.candidates:
            self.by_trigger[c.trigger] = (*self.by_trigger.get(c.trigger, ()), c)
        self.triggers = 0
        for bit in self.by_trigger:
            self.triggers |= bit

    def _bit(self, need: Need) -> int:
        if not need.terms:
            return 0
        bit = self.bits.get(need)
        if bit is None:
            bit = self.bits[need] = 1 << len(self.bits)
        return bit

    def _plan(self, rule: Rule, pat: Pattern, index: int, position: int, classes: dict[str, TermClass]) -> Candidate:
        needs = pattern_needs(pat, classes)
        automatic = [n for n in needs if n.automatic]
        # every pattern has a word of two or more characters (lexicon.py refuses it otherwise)
        assert automatic, rule.code
        trigger = self._bit(min(automatic, key=_weight))
        required = 0
        for n in automatic:
            required |= self._bit(n)
        lazy = tuple((self._bit(n), n) for n in needs if not n.automatic)
        checks = tuple((True, c) for c in pat.with_ if c.scope in _DOC_SCOPES)
        checks += tuple((False, c) for c in pat.unless if c.scope in _DOC_SCOPES)
        return Candidate(rule, pat, index, position, trigger, required, lazy, checks)

    def for_document(self, doc: DocContext, classes: dict[str, TermClass]) -> dict[int, tuple[Candidate, ...]]:
        """``by_trigger`` without the patterns the document rules out."""
        if all(c.possible(doc, classes) for c in self.candidates if c.doc_checks):
            return self.by_trigger
        out: dict[int, tuple[Candidate, ...]] = {}
        for bit, group in self.by_trigger.items():
            kept = tuple(c for c in group if c.possible(doc, classes))
            if kept:
                out[bit] = kept
        return out


def select(by_trigger: dict[int, tuple[Candidate, ...]], triggers: int, mask: int, text: str) -> list[Candidate]:
    """The patterns whose needs the sentence (``text``, with the automaton's ``mask``) meets, in lexicon order."""
    todo = mask & triggers
    out: list[Candidate] = []
    while todo:
        bit = todo & -todo
        todo ^= bit
        for c in by_trigger.get(bit, ()):
            if mask & c.required == c.required and all(
                    mask & b or n.met_without_terms(text) for b, n in c.lazy):
                out.append(c)
    if len(out) > 1:
        out.sort(key=_order)
    return out


def _order(c: Candidate) -> tuple[int, int]:
    return c.index, c.position

