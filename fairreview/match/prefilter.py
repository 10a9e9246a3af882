"""Which patterns can match a sentence at all, decided before the sentence is read.

Every pattern gets the *needs* (:mod:`fairreview.concepts.needs`) that a sentence must meet for it to
match: one per atom of its frame (a class's words, a literal, what a span provider needs), one per
``with`` constraint read inside the sentence, and one for gates that look only at the sentence (scoring,
definition). Each need's words of two or more characters get a bit; the one automaton pass gives every
sentence the bits of the words it holds. A pattern is tried on a sentence only when

- the bit of its *trigger* (the need most likely to be absent) is set — sentences are sorted to patterns
  through these bits, never by testing every pattern;
- every need that words and single characters decide has its bit set (a need's single characters, and
  those of an expression that is one character class, set its bit where they stand in the sentence: one
  set intersection per sentence, not one ``in`` per need and pattern);
- every other need (an expression) is met by the sentence text: by its words, its characters or one of its
  expressions, each need tested once a sentence however many patterns share it;
- nothing about the document rules it out (``{doc: …}``, ``{title: …}`` in ``with`` / ``unless``).

All of these are necessary conditions, so the matches are exactly those of trying every pattern on every
sentence; most sentences (more than 90 % of a regulation) never reach a rule.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from re import _parser as sre_parse  # type: ignore[attr-defined]  # the parser behind re.compile
from re._constants import IN, LITERAL

from ..concepts.classes import TermClass
from ..concepts.needs import Need, class_need, of_terms, union
from ..concepts.registry import span_needs
from ..concepts.spans import DocContext, SentenceView
from ..regex import Regex
from .context import SCORE, Constraint, holds
from .frames import Atom, FrameHit
from .lexicon import Lexicon, Pattern, Rule

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


def plan_needs(lexicon: Lexicon) -> Lexicon:
    """``lexicon`` with every pattern's needs worked out (:attr:`Lexicon.planned`), for the rules cache: working
    them out reads every class's expressions and the gazetteer (25 ms of a one-file scan)."""
    table: dict[Need, int] = {}
    planned = {rule.code: tuple(tuple(table.setdefault(n, len(table)) for n in pattern_needs(pat, lexicon.classes))
                                for pat in rule.patterns)
               for rule in lexicon.rules}
    return dataclasses.replace(lexicon, needs=tuple(table), planned=planned)


def _weight(need: Need) -> float:
    """How often a need is likely to be met: short words are everywhere, long ones rare."""
    return sum(4.0 ** -(len(t) - 2) for t in need.terms)


def _class_chars(rx: Regex) -> frozenset[str] | None:
    """The characters of an expression that is one character class of plain characters (``[京津沪]``), else
    None: it matches exactly where one of them stands."""
    try:
        parsed = sre_parse.parse(rx.pattern, rx.flags)
    except (re.error, RecursionError):
        return None
    items = list(parsed)
    if (rx.flags | parsed.state.flags) & re.IGNORECASE or len(items) != 1:
        return None
    op, av = items[0]
    if op is LITERAL:
        return frozenset(chr(av))
    if op is IN and av and all(o is LITERAL for o, _ in av):
        return frozenset(chr(v) for _, v in av)
    return None


_BACKREF = re.compile(r"\\[1-9]|\(\?P=")  # would count the groups of the expressions before it


def _one_expression(rxs: list[Regex]) -> tuple[Regex, ...]:
    """Expressions one of which must match, as one search where they can be joined (same flags, no
    backreference, no global inline flag): a need that several sentences miss is then one scan of each."""
    if len(rxs) < 2 or len({rx.flags for rx in rxs}) > 1 or any(_BACKREF.search(rx.pattern) for rx in rxs):
        return tuple(rxs)
    try:
        return (Regex("|".join(f"(?:{rx.pattern})" for rx in rxs), rxs[0].flags, check=True),)
    except re.error:  # "(?i)" and the like must stay at the start of their expression
        return tuple(rxs)


_NO_HIT = FrameHit(0, 0, ())


@dataclass(frozen=True)
class Candidate:
    """A pattern of a rule, ready for the sentences its needs let through."""

    rule: Rule
    pattern: Pattern
    index: int  # lexicon order
    position: int  # the pattern's place in its rule: patterns are tried in the order they are written
    trigger: int  # the bit through which sentences reach it
    required: int  # bits that must all be set
    lazy: tuple[tuple[int, tuple[Regex, ...]], ...]  # (bit, expressions one of which must match)
    lazy_bits: int  # the bits of ``lazy``
    doc_checks: tuple[tuple[bool, Constraint], ...]  # (must hold, constraint) on the document alone

    def doc_allows(self, view: SentenceView, classes: dict[str, TermClass], known: dict[int, bool]) -> bool:
        """The document (``view``: an empty sentence of it) leaves the pattern possible; ``known``: what
        constraints shared by several patterns were found to give for it."""
        for must, c in self.doc_checks:
            got = known.get(id(c))
            if got is None:
                got = known[id(c)] = holds(c, view, _NO_HIT, classes)
            if got != must:
                return False
        return True


class Prefilter:
    """Needs of every pattern of a lexicon, numbered; the automaton's terms and the single characters, with
    their bits."""

    def __init__(self, rules: list[Rule], classes: dict[str, TermClass],
                 known: dict[str, tuple[tuple[Need, ...], ...]] | None = None):
        """``known``: each rule's patterns' needs, worked out before (:func:`plan_needs`)."""
        self.bits: dict[Need, int] = {}
        self._split: dict[Need, tuple[frozenset[str], tuple[Regex, ...]]] = {}
        self.candidates: list[Candidate] = []
        for i, rule in enumerate(rules):
            for j, pat in enumerate(rule.patterns):
                planned = known.get(rule.code) if known else None
                needs = list(planned[j]) if planned is not None else pattern_needs(pat, classes)
                self.candidates.append(self._plan(rule, pat, i, j, needs))
        self.terms: dict[str, int] = {}
        for need, bit in self.bits.items():
            for t in need.terms:
                self.terms[t] = self.terms.get(t, 0) | bit
        self._by_chars = 0  # bits that single characters can set, each with one expression of its characters
        self._char_rx: dict[int, re.Pattern[str]] = {}  # compiled when a sentence first asks
        self._char_src: dict[int, str] = {}
        for need, bit in self.bits.items():
            chars = self._split[need][0]
            if chars:
                self._by_chars |= bit
                self._char_src[bit] = "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"
        self._words_only = ~self._by_chars  # bits that only the automaton sets (and never-met ones)
        self._doc_checked = [c for c in self.candidates if c.doc_checks]
        self._without: dict[frozenset[int], dict[int, tuple[Candidate, ...]]] = {}
        self.by_trigger: dict[int, tuple[Candidate, ...]] = {}
        for c in self.candidates:
            self.by_trigger[c.trigger] = (*self.by_trigger.get(c.trigger, ()), c)
        self.triggers = 0
        for bit in self.by_trigger:
            self.triggers |= bit

    def _parts(self, need: Need) -> tuple[frozenset[str], tuple[Regex, ...]]:
        """(single characters, expressions left to run) of a need."""
        got = self._split.get(need)
        if got is None:
            chars, rest = set(need.chars), []
            for rx in need.regexes:
                one = _class_chars(rx)
                if one is None:
                    rest.append(rx)
                else:
                    chars |= one
            got = self._split[need] = (frozenset(chars), _one_expression(rest))
        return got

    def _bit(self, need: Need) -> int:
        """The need's bit: set by the automaton for its words, by a sentence's characters, or once one of its
        expressions was found in the sentence (an empty need's bit is never set)."""
        bit = self.bits.get(need)
        if bit is None:
            bit = self.bits[need] = 1 << len(self.bits)
        return bit

    def _plan(self, rule: Rule, pat: Pattern, index: int, position: int, needs: list[Need]) -> Candidate:
        automatic = [n for n in needs if n.automatic]
        # every pattern has a word of two or more characters (lexicon.py refuses it otherwise)
        assert automatic, rule.code
        trigger = self._bit(min(automatic, key=_weight))
        required = lazy_bits = 0
        lazy: list[tuple[int, tuple[Regex, ...]]] = []
        for n in needs:
            bit, rest = self._bit(n), self._parts(n)[1]
            if rest:  # an expression to run
                lazy.append((bit, rest))
                lazy_bits |= bit
            else:
                required |= bit
        checks = tuple((True, c) for c in pat.with_ if c.scope in _DOC_SCOPES)
        checks += tuple((False, c) for c in pat.unless if c.scope in _DOC_SCOPES)
        return Candidate(rule, pat, index, position, trigger, required, tuple(lazy), lazy_bits, checks)

    def for_document(self, doc: DocContext, classes: dict[str, TermClass]) -> dict[int, tuple[Candidate, ...]]:
        """``by_trigger`` without the patterns the document rules out."""
        view, known = SentenceView("", doc=doc), dict[int, bool]()
        ruled_out = frozenset(i for i, c in enumerate(self._doc_checked) if not c.doc_allows(view, classes, known))
        got = self._without.get(ruled_out)
        if got is None:  # documents of a kind mostly rule out the same patterns: each set is built once
            gone = {id(self._doc_checked[i]) for i in ruled_out}
            got = {}
            for bit, group in self.by_trigger.items():
                kept = tuple(c for c in group if id(c) not in gone)
                if kept:
                    got[bit] = kept
            if len(self._without) < 64:
                self._without[ruled_out] = got
        return got

    def select(  # noqa: C901 - the matcher's hottest loop: a call per candidate would cost more than the branches
            self, by_trigger: dict[int, tuple[Candidate, ...]], mask: int, text: str) -> list[Candidate]:
        """The patterns whose needs the sentence (``text``, with the automaton's ``mask``) meets, in lexicon
        order."""
        todo = mask & self.triggers
        if not todo:
            return []
        words_only = self._words_only
        failed = 0  # bits of needs the sentence was found not to meet
        absent = ~mask
        out: list[Candidate] = []
        while todo:
            bit = todo & -todo
            todo ^= bit
            for c in by_trigger.get(bit, ()):
                missing = c.required & absent
                if missing:  # bits only single characters can still set: look for them, once a sentence
                    if missing & words_only or missing & failed:
                        continue
                    mask, failed = self._add_chars(missing, mask, failed, text)
                    absent = ~mask
                    if missing & failed:
                        continue
                lazy = c.lazy_bits & absent
                if lazy:  # expressions to run, once a sentence
                    if lazy & failed:
                        continue
                    mask, failed = self._lazy(c.lazy, mask, failed, text)
                    absent = ~mask
                    if lazy & failed:
                        continue
                out.append(c)
        if len(out) > 1:
            out.sort(key=_order)
        return out

    def _lazy(self, lazy: tuple[tuple[int, tuple[Regex, ...]], ...], mask: int, failed: int,
              text: str) -> tuple[int, int]:
        """``mask`` and ``failed`` with what ``text`` was found to hold of the needs in ``lazy``, each tested
        once a sentence (several patterns share a need), up to the first it does not meet."""
        for b, rxs in lazy:
            if mask & b:
                continue
            if failed & b:
                break
            if b & self._by_chars:
                mask, failed = self._add_chars(b, mask, failed, text)
                if mask & b:
                    continue
                failed &= ~b  # the characters are absent: the expressions decide
            if any(rx.search(text) for rx in rxs):
                mask |= b
            else:
                failed |= b
                break
        return mask, failed

    def _add_chars(self, missing: int, mask: int, failed: int, text: str) -> tuple[int, int]:
        """``mask`` and ``failed`` with the bits of ``missing`` whose characters ``text`` holds, or the first
        that it does not hold."""
        while missing:
            b = missing & -missing
            missing ^= b
            rx = self._char_rx.get(b)
            if rx is None:
                rx = self._char_rx[b] = re.compile(self._char_src[b])
            if rx.search(text) is None:
                return mask, failed | b
            mask |= b
        return mask, failed


def _order(c: Candidate) -> tuple[int, int]:
    return c.index, c.position
