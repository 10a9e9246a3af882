"""Frames: rules as compositions of spans and term classes with positional operators.

A frame is a chain of atoms joined by operators, written as one string in a rule::

    frame: "@PLACE:local ~6 $register"           # a local place and a registration word, either order
    frame: "$designate ..12 @ORG ..8 $service"   # in this order, at most 12 and 8 characters apart

Atoms

- ``$name``: a term class of ``lexicons/classes.yaml``;
- ``@LABEL`` / ``@LABEL:kind,kind`` / ``@LABEL:!kind``: a span of a provider (PLACE, ORG, GOV, PARTY, ROLE),
  optionally only (or all but) some kinds; ``@PLACE:local`` is every kind that can make a requirement local;
- ``词|词``: literal words (``'…'`` quotes a literal that contains spaces or operator characters);
- ``(atom|atom)``: any one of several atoms.

Operators (N characters between the end of one atom and the start of the next)

- ``..N``: the next atom follows within N characters (``..`` alone: within 8; adjacent atoms: within 8);
- ``~N``: the next atom is within N characters of the previous one, before or after it.

Unless a pattern says ``cross: true``, every atom lies in one comma-clause (分句) of the sentence: frames
read Chinese the way a reviewer does, one clause at a time. Matching tries every combination (it is not
greedy), so "在A市注册…在B区纳税" finds each pair.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..concepts.classes import TermClass
from ..concepts.places import LOCAL_KINDS
from ..concepts.spans import LABELS, SentenceView
from ..read.normalize import normalize_term
from ..regex import Regex

DEFAULT_GAP = 8
_OP = re.compile(r"^(\.\.|~)(\d+)?$")
_SPAN = re.compile(r"^@([A-Z]+)(?::(!)?([a-z_,]+))?$")
_CLASS = re.compile(r"^\$([a-z][a-z0-9_]*)$")
KIND_ALIASES = {"local": LOCAL_KINDS}


class FrameError(ValueError):
    pass


@dataclass(frozen=True)
class Atom:
    """One element of a frame: a class, a span label, literal words, or a choice between atoms."""

    kind: str  # class / span / literal / alt
    name: str = ""
    kinds: frozenset[str] | None = None
    exclude_kinds: bool = False
    terms: tuple[str, ...] = ()
    alts: tuple[Atom, ...] = ()
    regex: Regex | None = field(default=None, compare=False)

    @functools.cached_property
    def uses_spans(self) -> bool:  # asked for every atom of every frame tried: worked out once
        return self.kind == "span" or any(a.uses_spans for a in self.alts)

    def describe(self) -> str:
        if self.kind == "class":
            return f"${self.name}"
        if self.kind == "span":
            if self.kinds is None:
                return f"@{self.name}"
            return f"@{self.name}:{'!' if self.exclude_kinds else ''}{','.join(sorted(self.kinds))}"
        if self.kind == "literal":
            return "|".join(self.terms)
        return "(" + "|".join(a.describe() for a in self.alts) + ")"

    def anchors(self, classes: dict[str, TermClass]) -> frozenset[str] | None:
        """Terms one of which must occur for the atom to occur; None if that set would be too weak a filter
        (single characters, or a span whose provider has no trigger words)."""
        if self.kind == "class":
            cls = classes[self.name]
            return frozenset(cls.terms) if cls.anchorable else None
        if self.kind == "literal":
            return frozenset(self.terms) if all(len(t) >= 2 for t in self.terms) else None
        if self.kind == "alt":
            sets = [a.anchors(classes) for a in self.alts]
            if any(s is None for s in sets):
                return None
            return frozenset().union(*sets)  # type: ignore[arg-type]
        return None

    def occurrences(self, view: SentenceView, classes: dict[str, TermClass]) -> list[tuple[int, int, str]]:
        if self.kind == "span":
            out = []
            for s in view.spans(self.name):
                if self.kinds is None or ((s.kind in self.kinds) != self.exclude_kinds):
                    out.append((s.start, s.end, s.text))
            return out
        if self.kind == "alt":
            merged: list[tuple[int, int, str]] = []
            for a in self.alts:
                merged.extend(a.occurrences(view, classes))
            merged.sort()
            return merged
        rx = classes[self.name].regex if self.kind == "class" else self.regex
        assert rx is not None
        return occurrences_of(view, rx)


def occurrences_of(view: SentenceView, rx: Regex) -> list[tuple[int, int, str]]:
    """Every occurrence of ``rx`` in the sentence, overlapping ones included (国有企业 and 企业 both count)."""
    cache = view.occ
    got = cache.get(rx.pattern)
    if got is None:
        got = cache[rx.pattern] = []
        text = view.text
        search = rx.compiled.search
        m = search(text)
        while m is not None:
            start = m.start()
            got.append((start, m.end(), m.group()))
            m = search(text, start + 1)
    return got


def _literal(token: str) -> Atom:
    raw = token[1:-1] if len(token) >= 2 and token[0] == token[-1] == "'" else token
    terms = tuple(sorted({normalize_term(t) for t in raw.split("|") if t}, key=lambda t: (-len(t), t)))
    if not terms:
        raise FrameError(f"空的词语：{token!r}")
    return Atom("literal", terms=terms, regex=Regex("|".join(map(re.escape, terms))))


def _span_atom(label: str, neg: str | None, kinds: str | None) -> Atom:
    if label not in LABELS:
        raise FrameError(f"未知的片段标签 @{label}（可用：{', '.join(LABELS)}）")
    kind_set: frozenset[str] | None = None
    if kinds:
        expanded: set[str] = set()
        for k in kinds.split(","):
            expanded |= KIND_ALIASES.get(k, {k})
        kind_set = frozenset(expanded)
    return Atom("span", name=label, kinds=kind_set, exclude_kinds=bool(neg))


def _alternatives(token: str) -> list[str] | None:
    """The parts of ``(a|b)`` or of ``$x|词`` (a choice that holds a class or span), else None."""
    if token.startswith("(") and token.endswith(")") and len(token) > 2:
        return _split_alternatives(token[1:-1])
    if "|" in token and not token.startswith("'") and any(p[:1] in "$@(" for p in _split_alternatives(token)):
        return _split_alternatives(token)
    return None


def parse_atom(token: str, classes: dict[str, TermClass]) -> Atom:
    parts = _alternatives(token)
    if parts is not None:
        if any(p[:1] in "$@(" for p in parts):
            return Atom("alt", alts=tuple(parse_atom(p, classes) for p in parts))
        return _literal("|".join(parts))
    m = _CLASS.match(token)
    if m:
        if m.group(1) not in classes:
            raise FrameError(f"未定义的词类 ${m.group(1)}（见 lexicons/classes.yaml）")
        return Atom("class", name=m.group(1))
    m = _SPAN.match(token)
    if m:
        return _span_atom(*m.groups())
    if token.startswith(("$", "@")):
        raise FrameError(f"无法识别的元素：{token!r}")
    return _literal(token)


def _split_alternatives(inner: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return [p for p in parts if p]


@dataclass(frozen=True)
class Frame:
    source: str
    atoms: tuple[Atom, ...]
    ops: tuple[tuple[str, int], ...]  # between atoms[i] and atoms[i + 1]
    cross: bool = False

    def anchors(self, classes: dict[str, TermClass]) -> list[frozenset[str]]:
        return [a for a in (atom.anchors(classes) for atom in self.atoms) if a is not None]

    @functools.cached_property
    def cheap_first(self) -> tuple[int, ...]:
        """Atom indexes, those that need no span provider first."""
        return tuple(sorted(range(len(self.atoms)), key=lambda i: self.atoms[i].uses_spans))


def parse_frame(source: str, classes: dict[str, TermClass], cross: bool = False) -> Frame:
    tokens = _tokens(source)
    atoms: list[Atom] = []
    ops: list[tuple[str, int]] = []
    pending: tuple[str, int] | None = None
    for tok in tokens:
        m = _OP.match(tok)
        if m:
            if not atoms or pending is not None:
                raise FrameError(f"运算符 {tok} 的位置不对：{source!r}")
            pending = (m.group(1), int(m.group(2)) if m.group(2) else DEFAULT_GAP)
            continue
        atom = parse_atom(tok, classes)
        if atoms:
            ops.append(pending or ("..", DEFAULT_GAP))
        atoms.append(atom)
        pending = None
    if pending is not None or not atoms:
        raise FrameError(f"框架不完整：{source!r}")
    return Frame(source, tuple(atoms), tuple(ops), cross)


def _tokens(source: str) -> list[str]:
    out, cur, depth, quoted = [], "", 0, False
    for ch in source.strip():
        if ch == "'" and depth == 0:
            quoted = not quoted
        if ch == "(" and not quoted:
            depth += 1
        elif ch == ")" and not quoted:
            depth -= 1
        if ch.isspace() and depth == 0 and not quoted:
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    if depth or quoted:
        raise FrameError(f"括号或引号不配对：{source!r}")
    return out


@dataclass(frozen=True)
class FrameHit:
    start: int
    end: int
    parts: tuple[tuple[int, int, str], ...]  # one per atom, in frame order

    @property
    def head(self) -> int:
        return self.start

    @property
    def words(self) -> list[str]:
        return [p[2] for p in self.parts]


def find(frame: Frame, view: SentenceView, classes: dict[str, TermClass]) -> Iterator[FrameHit]:
    """Every way the frame matches the sentence, by the position of its first atom."""
    occ: list[list[tuple[int, int, str]]] = [[] for _ in frame.atoms]
    common: set[int] | None = None  # comma-clauses that hold an occurrence of every atom so far
    for i in frame.cheap_first:  # words before spans: a sentence without the words never pays for spans
        atom = frame.atoms[i]
        if not frame.cross and atom.uses_spans and common is not None and not common:
            return  # the words are never together in one comma-clause
        got = atom.occurrences(view, classes)
        if not got:
            return
        occ[i] = got
        if not frame.cross and not atom.uses_spans:
            # the first atom's words need only start in the clause (_extend), the others lie inside it
            here = {view.clause_index(s) for s, e, _ in got if i == 0 or view.same_clause(s, e)}
            common = here if common is None else common & here
    if common is not None and not common:
        return
    seen: set[tuple[int, int]] = set()
    for first in occ[0]:
        for parts in _extend(frame, view, occ, [first]):
            start = min(p[0] for p in parts)
            end = max(p[1] for p in parts)
            if (start, end) in seen:
                continue
            seen.add((start, end))
            yield FrameHit(start, end, tuple(parts))


_NAME_WIDTH = 2  # a place or firm name inside a gap counts as two characters, however long it is


def _within(view: SentenceView, a: int, b: int, n: int) -> bool:
    """At most ``n`` characters between ``a`` and ``b``, a name in between counting as a short word
    (积石山保安族东乡族撒拉族自治县 is one place, not fourteen characters of distance). Spans are looked up
    only when the plain distance is too long."""
    raw = b - a
    if raw <= n:
        return raw >= 0
    inside = sum(sp.end - sp.start - _NAME_WIDTH for label in ("PLACE", "ORG") for sp in view.spans(label)
                 if a <= sp.start and sp.end <= b and sp.end - sp.start > _NAME_WIDTH)
    return raw - inside <= n


def _extend(frame: Frame, view: SentenceView, occ: list[list[tuple[int, int, str]]],
            parts: list[tuple[int, int, str]]) -> Iterator[list[tuple[int, int, str]]]:
    i = len(parts)
    if i == len(occ):
        yield parts
        return
    op, n = frame.ops[i - 1]
    ps, pe, _ = parts[-1]
    clause = view.clause_index(parts[0][0])
    for cand in occ[i]:
        s, e, _ = cand
        if any(not (e <= a or s >= b) for a, b, _ in parts):  # atoms do not overlap
            continue
        after = _within(view, pe, s, n)
        if not (after if op == ".." else after or _within(view, e, ps, n)):
            continue
        if not frame.cross and (view.clause_index(s) != clause or view.clause_index(max(s, e - 1)) != clause):
            continue
        yield from _extend(frame, view, occ, [*parts, cand])
