"""Which patterns can match a sentence at all, decided before the sentence is read.

Every pattern gets the *needs* (:mod:`fairreview.concepts.needs`) that a sentence must meet for it to
match: one per atom of its frame (a class's words, a literal, what a span provider needs), one per
``with`` constraint read inside the sentence, and one for gates that look only at the sentence (scoring,
definition). The needs are numbered; the one automaton pass over a document gives each need the sentences
its words stand in, as one integer (bit k: sentence k). A pattern is tried on a sentence only when

- the sentence holds the words of its *trigger* (the need most likely to be absent, decided by words alone);
- it holds the words of every other need decided by words alone (the pattern's sentences are the AND of
  its needs' sentences: a need is looked at once a document, not once a sentence);
- every need of single characters or expressions is met there, by its words, its characters (never looked
  for where the document holds none) or its expressions (run on the sentence alone), each sentence tested
  once a document however many patterns share the need;
- nothing about the document rules it out (``{doc: …}``, ``{title: …}`` in ``with`` / ``unless``).

All of these are necessary conditions, so the matches are exactly those of trying every pattern on every
sentence; most sentences (more than 90 % of a regulation) never reach a rule.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from re import _parser as sre_parse  # type: ignore[attr-defined]  # the parser behind re.compile
from re._constants import IN, LITERAL

from ..concepts.classes import TermClass
from ..concepts.needs import Need, class_need, of_terms, union
from ..concepts.registry import span_needs
from ..concepts.spans import DocContext, SentenceView
from ..regex import Regex
from .automaton import TermIndex
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


#: a group referred to by its number (\1, (?(1)…)) would count the groups of the expressions before it
_BACKREF = re.compile(r"\\[1-9]|\(\?P=|\(\?\(\d")


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
#: sentences read together (:meth:`Prefilter.plan`): a regulation has a few hundred; a 16 MB file, 120,000
BLOCK = 512


@dataclass(frozen=True)
class Candidate:
    """A pattern of a rule, ready for the sentences its needs let through (needs by their number)."""

    rule: Rule
    pattern: Pattern
    index: int  # lexicon order
    position: int  # the pattern's place in its rule: patterns are tried in the order they are written
    trigger: int  # the need through which sentences reach it: words only, the least likely to be met
    words: tuple[int, ...]  # other needs that only words meet
    chars: tuple[int, ...]  # needs that words or single characters meet
    lazy: tuple[tuple[int, tuple[Regex, ...]], ...]  # needs with expressions: (need, one of which must match)
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


class _Document:
    """What one block of a document's sentences was found to hold, need by need: sentences as bits (bit k:
    the block's sentence k)."""

    __slots__ = ("text", "spans", "words", "yes", "no", "has")

    def __init__(self, text: str, spans: list[tuple[int, int]], words: list[int], has: dict[int, bool]):
        self.text, self.spans = text, spans
        self.words = words  # per need, the sentences its words stand in (the automaton's answer)
        self.yes: dict[int, int] = {}  # per need, sentences found to meet it by characters or expressions
        self.no: dict[int, int] = {}  # … found not to
        # per need of characters, whether the document holds one at all: shared by its blocks (a search of
        # the whole text for characters it lacks, 0.1 s in 16 MB, once a document and not once a block)
        self.has = has


class Prefilter:
    """Needs of every pattern of a lexicon, numbered; the automaton over their words; the single characters
    and expressions left to test in the sentences the words let through."""

    def __init__(self, rules: list[Rule], classes: dict[str, TermClass],
                 known: dict[str, tuple[tuple[Need, ...], ...]] | None = None):
        """``known``: each rule's patterns' needs, worked out before (:func:`plan_needs`)."""
        self.needs: list[Need] = []
        self._number: dict[Need, int] = {}
        self._split: dict[Need, tuple[frozenset[str], tuple[Regex, ...]]] = {}
        self.candidates: list[Candidate] = []
        for i, rule in enumerate(rules):
            for j, pat in enumerate(rule.patterns):
                planned = known.get(rule.code) if known else None
                needs = list(planned[j]) if planned is not None else pattern_needs(pat, classes)
                self.candidates.append(self._plan(rule, pat, i, j, needs))
        meets: defaultdict[str, list[int]] = defaultdict(list)
        for k, need in enumerate(self.needs):
            for t in need.terms:
                meets[t].append(k)
        # a single character is not a trigger: it would make almost every sentence one
        self.index = TermIndex(t for t in meets if len(t) >= 2)
        self._meets = [tuple(meets[w]) for w in self.index.words]  # per automaton word, the needs it meets
        self._char_rx: dict[int, re.Pattern[str]] = {}  # compiled when a sentence first asks
        self._char_src = {k: "[" + "".join(re.escape(ch) for ch in sorted(self._split[n][0])) + "]"
                          for k, n in enumerate(self.needs) if self._split[n][0]}
        self._doc_checked = [c for c in self.candidates if c.doc_checks]
        self._without: dict[frozenset[int], dict[int, tuple[Candidate, ...]]] = {}
        self.by_trigger: dict[int, tuple[Candidate, ...]] = {}
        for c in self.candidates:
            self.by_trigger[c.trigger] = (*self.by_trigger.get(c.trigger, ()), c)

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

    def _num(self, need: Need) -> int:
        k = self._number.get(need)
        if k is None:
            k = self._number[need] = len(self.needs)
            self.needs.append(need)
            self._parts(need)
        return k

    def _plan(self, rule: Rule, pat: Pattern, index: int, position: int, needs: list[Need]) -> Candidate:
        automatic = [n for n in needs if n.automatic]
        # every pattern has a word of two or more characters (lexicon.py refuses it otherwise)
        assert automatic, rule.code
        trigger = self._num(min(automatic, key=_weight))
        words: list[int] = []
        chars: list[int] = []
        lazy: list[tuple[int, tuple[Regex, ...]]] = []
        for n in needs:
            k, (single, rest) = self._num(n), self._parts(n)
            if k == trigger:
                continue
            if rest:  # an expression to run
                lazy.append((k, rest))
            elif single:
                chars.append(k)
            else:  # words only (or nothing: a need never met)
                words.append(k)
        checks = tuple((True, c) for c in pat.with_ if c.scope in _DOC_SCOPES)
        checks += tuple((False, c) for c in pat.unless if c.scope in _DOC_SCOPES)
        return Candidate(rule, pat, index, position, trigger, tuple(dict.fromkeys(words)), tuple(dict.fromkeys(chars)),
                         tuple(dict.fromkeys(lazy)), checks)

    def for_document(self, doc: DocContext, classes: dict[str, TermClass]) -> dict[int, tuple[Candidate, ...]]:
        """``by_trigger`` without the patterns the document rules out."""
        view, known = SentenceView("", doc=doc), dict[int, bool]()
        ruled_out = frozenset(i for i, c in enumerate(self._doc_checked) if not c.doc_allows(view, classes, known))
        got = self._without.get(ruled_out)
        if got is None:  # documents of a kind mostly rule out the same patterns: each set is built once
            gone = {id(self._doc_checked[i]) for i in ruled_out}
            got = {}
            for k, group in self.by_trigger.items():
                kept = tuple(c for c in group if id(c) not in gone)
                if kept:
                    got[k] = kept
            if len(self._without) < 64:
                self._without[ruled_out] = got
        return got

    def plan(self, text: str, spans: list[tuple[int, int]],
             by_trigger: dict[int, tuple[Candidate, ...]]) -> dict[int, list[Candidate]]:
        """For each sentence (``spans``: non-overlapping, by their index) that meets every need of some pattern,
        those patterns in lexicon order. The document is read need by need, not sentence by sentence: a need's
        sentences are one integer, and a pattern's sentences the AND of its needs'. A long document is read
        in blocks of sentences, so that the integers stay short."""
        # the automaton's walk places words in spans in text order; a structure lists its title first and
        # the lines above the title (front matter) after it
        if any(spans[i][0] > spans[i + 1][0] for i in range(len(spans) - 1)):
            order = sorted(range(len(spans)), key=spans.__getitem__)
            planned = self._plan_in_order(text, [spans[k] for k in order], by_trigger)
            return {order[k]: todo for k, todo in planned.items()}
        return self._plan_in_order(text, spans, by_trigger)

    def _plan_in_order(self, text: str, spans: list[tuple[int, int]],
                       by_trigger: dict[int, tuple[Candidate, ...]]) -> dict[int, list[Candidate]]:
        out: dict[int, list[Candidate]] = {}
        meets = self._meets
        has: dict[int, bool] = {}
        for first, found in self.index.sentences(text, spans, BLOCK):
            words = [0] * len(self.needs)
            for i, held in found.items():
                for k in meets[i]:
                    words[k] |= held
            doc = _Document(text, spans[first : first + BLOCK], words, has)
            for k, group in by_trigger.items():
                reached = words[k]
                if not reached:
                    continue
                for c in group:
                    held = self._sentences(c, reached, doc)
                    while held:
                        bit = held & -held
                        held ^= bit
                        out.setdefault(first + bit.bit_length() - 1, []).append(c)
        for todo in out.values():
            if len(todo) > 1:
                todo.sort(key=_order)
        return out

    def _sentences(self, c: Candidate, held: int, doc: _Document) -> int:
        """Of the sentences ``held`` (those with the trigger's words), those that meet every need of ``c``."""
        words = doc.words
        for k in c.words:
            held &= words[k]
            if not held:
                return 0
        for k in c.chars:
            held = self._tested(k, held, doc, ())
            if not held:
                return 0
        for k, rxs in c.lazy:
            held = self._tested(k, held, doc, rxs)
            if not held:
                return 0
        return held

    def _tested(self, k: int, held: int, doc: _Document, rxs: tuple[Regex, ...]) -> int:
        """Of ``held``, the sentences that meet need ``k``: by its words, else by its characters or one of its
        expressions, each sentence tested once a document."""
        met = doc.words[k]
        rest = held & ~met
        if not rest:
            return held
        yes, no = doc.yes.get(k, 0), doc.no.get(k, 0)
        unknown = rest & ~(yes | no)
        if unknown:
            text, spans = doc.text, doc.spans
            rx = None
            if k in self._char_src:
                rx = self._char_rx.get(k)
                if rx is None:
                    rx = self._char_rx[k] = re.compile(self._char_src[k])
                has = doc.has.get(k)
                if has is None:
                    has = doc.has[k] = rx.search(text) is not None  # none in the whole document: none anywhere
                if not has:
                    rx = None
            if rx is None and not rxs:
                no |= unknown
                unknown = 0
            while unknown:
                bit = unknown & -unknown
                unknown ^= bit
                a, b = spans[bit.bit_length() - 1]
                # characters on the document (no context to see), expressions on the sentence alone
                if (rx is not None and rx.search(text, a, b)) or (rxs and any(r.search(text[a:b]) for r in rxs)):
                    yes |= bit
                else:
                    no |= bit
            doc.yes[k], doc.no[k] = yes, no
        return held & (met | yes)


def _order(c: Candidate) -> tuple[int, int]:
    return c.index, c.position
