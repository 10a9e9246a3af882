"""Needs: what must stand in a sentence for a term class, a span or a literal to occur in it.

The matcher tests them before it builds a :class:`~fairreview.concepts.spans.SentenceView`, so that most
sentences never reach a rule (a need is *necessary*, never sufficient: a sentence that meets every need of a
pattern is then read by the pattern itself). A need is met when one of ``terms`` (two or more characters:
the one automaton pass over the document finds them) or one of ``chars`` (single characters: a plain
``in``) occurs, or one of ``regexes`` matches the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _parser as sre_parse  # type: ignore[attr-defined]  # the parser behind re.compile
from re._constants import BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN
from typing import Any

from ..regex import Regex
from .classes import TermClass


@dataclass(frozen=True)
class Need:
    terms: frozenset[str] = frozenset()  # two or more characters each
    chars: frozenset[str] = frozenset()  # single characters
    regexes: tuple[Regex, ...] = ()

    @property
    def automatic(self) -> bool:
        """Decided by the automaton alone (no characters or expressions to test)."""
        return bool(self.terms) and not self.chars and not self.regexes

    def met_without_terms(self, text: str) -> bool:
        """Met by a single character or an expression (the automaton answers for ``terms``)."""
        return any(c in text for c in self.chars) or any(rx.search(text) for rx in self.regexes)


def of_terms(terms: frozenset[str] | set[str] | tuple[str, ...], regexes: tuple[Regex, ...] = ()) -> Need:
    words = frozenset(t for t in terms if t)
    return Need(frozenset(t for t in words if len(t) >= 2), frozenset(t for t in words if len(t) == 1), regexes)


def union(needs: list[Need | None]) -> Need | None:
    """A need met when any of ``needs`` is (None: one of them can occur without any need)."""
    if not needs or any(n is None for n in needs):
        return None
    got = [n for n in needs if n is not None]
    return Need(frozenset().union(*(n.terms for n in got)), frozenset().union(*(n.chars for n in got)),
                tuple(dict.fromkeys(rx for n in got for rx in n.regexes)))


def class_need(cls: TermClass) -> Need:
    """A class occurs where one of its terms does, or where one of its patterns matches: a literal that each
    match of a pattern must contain when one can be read from it, else the pattern itself."""
    found: list[Need | None] = [of_terms(cls.terms)]
    for pattern in cls.patterns:
        lits = required_literals(pattern)
        found.append(of_terms(lits) if lits else Need(regexes=(Regex(pattern),)))
    need = union(found)
    assert need is not None
    return need


# -- a literal that every match of a regular expression contains -----------------------------------------
_Lits = frozenset[str] | None


def required_literals(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains, or None when none can be read off
    (lookarounds, back references and flags are skipped: they never add a requirement here)."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError):
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _best(_sequence(list(parsed)))


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """Of several sets each of which is required, the one that filters best: no single characters, few words."""
    if not options:
        return None
    return min(options, key=lambda s: (min(len(t) for t in s) < 2, len(s), -min(len(t) for t in s)))


def _sequence(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Required sets of a sequence of regex items: runs of literal characters and required sub-items."""
    out: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        if op is LITERAL:
            run += chr(av)
            continue
        if run:
            out.append(frozenset({run}))
            run = ""
        sub = _item(op, av)
        if sub is not None:
            out.append(sub)
    if run:
        out.append(frozenset({run}))
    return out


def _item(op: Any, av: Any) -> _Lits:
    if op is SUBPATTERN:
        # (?i:…): the case of its letters is free, so none of them is required as written
        return None if av[1] & re.IGNORECASE else _best(_sequence(list(av[-1])))
    if op is BRANCH:
        branches = [_best(_sequence(list(b))) for b in av[1]]
        known = [b for b in branches if b is not None]
        return frozenset().union(*known) if len(known) == len(branches) else None
    if op in (MAX_REPEAT, MIN_REPEAT):
        lo, _hi, body = av
        return _best(_sequence(list(body))) if lo >= 1 else None
    if op is IN:
        chars = [chr(v) for o, v in av if o is LITERAL]
        return frozenset(chars) if chars and len(chars) == len(av) and len(chars) <= 8 else None
    return None
