"""Where a frame's words stand: gates (is the match a condition, a preference, a benefit?) and the scoped
constraints of a pattern (``with`` / ``unless``), each read around the match, never across the document.

Gates (``when:`` in a pattern; any one of them must hold)

- ``condition``: the match is something an operator must be or do — a modal or eligibility word
  (``$condition``: 须, 应当, 限于, 方可 …) in its comma-clause before or inside it, or one that closes the
  clause after it (``$condition_after``: ……的企业方可申报); an item under a lead-in
  about conditions (``$condition_lead``: 申报条件, 下列条件, 资格要求 …); or a label clause ("准入条件：")
  earlier in the sentence; or an operator's pledge before it in its comma-clause (``$pledge``: 乙方承诺,
  受让人书面承诺 — not a government's 承诺 to firms);
- ``preference``: priority or points (``$preference``: 优先, 倾斜 …, or "得3分") in the sentence or lead-in;
- ``benefit``: money or relief (``$benefit``: 奖励, 补贴, 给予 …) in the sentence or lead-in;
- ``definition``: the sentence defines who a document applies to (``$definition``: 所称, 适用于, 支持对象 …)
  before the match.

A gate is what separates "须在本区注册" (a condition) from "在本市设立的旅行社应当遵守……" (who a regulation
governs): the second has no modal before the place, no benefit and no eligibility lead-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..concepts.classes import TermClass
from ..concepts.spans import SentenceView, Span
from ..regex import Regex
from .frames import Atom, FrameHit, occurrences_of

GATES = ("condition", "preference", "benefit", "definition", "scoring")
#: The term classes the gates and scopes read (classes.yaml must define them; they count as used).
GATE_CLASSES = ("condition", "condition_after", "condition_lead", "pledge", "preference", "benefit", "definition", "operator",
                "procurement")
SCOPES = ("clause", "sentence", "lead", "item", "near", "before", "after", "title", "doc", "personal")

#: What each gate and scope means, in the words of the rule pages and `fairreview rule CODE`.
GATE_ZH = {
    "condition": "作为条件、资格或义务提出（同一分句有“须、应当、限于、方可”等，或在“申报条件”等引导语下）",
    "preference": "作为优先、加分或倾斜（句中或引导语中有“优先、加分、倾斜”等，或是评分条款）",
    "benefit": "与奖励、补贴、优惠相连（句中或引导语中有“奖励、补贴、给予”等）",
    "definition": "界定适用对象（之前有“所称、是指、适用于”等）",
    "scoring": "是评分条款（“得X分、加分、扣分”等）",
}
SCOPE_ZH = {
    "clause": "同一分句（逗号之间）",
    "sentence": "同一句",
    "lead": "列举项的引导语",
    "item": "同一列举项或其引导语",
    "near": "前后{n}字内",
    "before": "之前{n}字内",
    "after": "之后{n}字内",
    "title": "文件标题",
    "doc": "文件类型",
    "personal": "面向个人的文件（标题中）且句中没有经营者",
}
assert set(GATE_ZH) == set(GATES) and set(SCOPE_ZH) == set(SCOPES)
SCORE = Regex(
    r"(得|加|计|记|给予|奖励)\s*\d+(\.\d+)?\s*分|\d+(\.\d+)?\s*分(?=[,;。)(\s]|$)|(最高|最多|满分)\s*\d+\s*分|打分|不得分|加分|扣分"
)


@dataclass(frozen=True)
class Constraint:
    """Some atom of ``atoms`` occurs in ``scope`` (``n``: characters, for near/before/after), or ``regex``
    matches there."""

    scope: str
    atoms: tuple[Atom, ...] = ()
    n: int = 0
    regex: Regex | None = None

    def describe(self) -> str:
        what = self.regex.pattern if self.regex is not None else " | ".join(a.describe() for a in self.atoms)
        return f"{self.scope}{(' ' + str(self.n)) if self.n else ''}: {what}"


def _window(view: SentenceView, hit: FrameHit, c: Constraint) -> tuple[int, int]:
    text_len = len(view.text)
    if c.scope == "clause":
        return view.clause_at(hit.start)[0], view.clause_at(max(hit.start, hit.end - 1))[1]
    if c.scope == "near":
        return max(0, hit.start - c.n), min(text_len, hit.end + c.n)
    if c.scope == "before":
        return max(0, hit.start - c.n), hit.start
    if c.scope == "after":
        return hit.end, min(text_len, hit.end + c.n)
    return 0, text_len  # sentence, item


def holds(c: Constraint, view: SentenceView, hit: FrameHit, classes: dict[str, TermClass]) -> bool:
    if c.scope == "doc":  # the kind of document: {doc: [regulation]}
        return any(a.kind == "literal" and view.doc.kind in a.terms for a in c.atoms)
    if c.scope == "personal":
        # the document is about individuals (购房补贴, 公积金 …) and the sentence names no operator: no firm
        # word, no firm's name, no procurement
        return _in_text(c, view.doc.title, classes) and not (
            occurrences_of(view, classes["operator"].regex) or classes["operator"].regex.search(view.lead or "")
            or view.spans("ORG") or occurrences_of(view, classes["procurement"].regex)
        )
    if c.scope in ("lead", "title"):
        outside = view.lead if c.scope == "lead" else view.doc.title
        return _in_text(c, outside, classes)
    lo, hi = _window(view, hit, c)
    if c.regex is not None:
        if c.regex.search(view.text, lo, hi) is not None:
            return True
    else:
        names = view.spans("ORG") + view.spans("PLACE")
        for atom in _flat(c.atoms):
            for s, e, _ in atom.occurrences(view, classes):
                # a word inside a name (有限责任公司, 房山区) or across its edge is the name, not context
                if s >= lo and e <= hi and (atom.kind == "span" or not _inside(names, s, e)):
                    return True
    return c.scope == "item" and _in_text(c, view.lead, classes)


def _flat(atoms: tuple[Atom, ...]) -> list[Atom]:
    return [x for a in atoms for x in (_flat(a.alts) if a.kind == "alt" else [a])]


def _inside(spans: list[Span], s: int, e: int) -> bool:
    """The word lies within a name, or straddles its edge (迁离|休宁县 holds 离休 across the edge)."""
    return any((sp.start <= s and e <= sp.end) or s < sp.start < e < sp.end or sp.start < s < sp.end < e for sp in spans)


def _in_text(c: Constraint, text: str, classes: dict[str, TermClass]) -> bool:
    if not text:
        return False
    if c.regex is not None:
        return c.regex.search(text) is not None
    for atom in c.atoms:
        rx = _atom_regex(atom, classes)
        if rx is not None and rx.search(text):
            return True
    return False


def _atom_regex(atom: Atom, classes: dict[str, TermClass]) -> Regex | None:
    if atom.kind == "class":
        return classes[atom.name].regex
    if atom.kind == "literal":
        return atom.regex
    if atom.kind == "alt":
        parts = [r.pattern for r in (_atom_regex(a, classes) for a in atom.alts) if r is not None]
        return Regex("|".join(parts)) if parts else None
    return None


# -- gates --------------------------------------------------------------------------------------------------
def _class_in(view: SentenceView, cls: TermClass, lo: int, hi: int, skip: tuple[tuple[int, int], ...] = ()) -> bool:
    for s, e, _ in occurrences_of(view, cls.regex):
        if s >= lo and e <= hi and not any(a <= s < b for a, b in skip):
            return True
    return False


def _label_before(view: SentenceView, hit: FrameHit, cls: TermClass) -> bool:
    """An earlier short clause of the sentence is a label such as "申报条件" / "准入条件:"."""
    idx = view.clause_index(hit.start)
    return any(b - a <= 14 and cls.regex.search(view.text, a, b) for a, b in view.clauses[:idx])


def _in_context(view: SentenceView, cls: TermClass) -> bool:
    return any(t and cls.regex.search(t) for t in (view.lead, view.heading))


def _condition(view: SentenceView, hit: FrameHit, classes: dict[str, TermClass]) -> bool:
    cs, _ = view.clause_at(hit.start)
    skip = tuple((s, e) for s, e, _ in hit.parts)
    lead_cls = classes["condition_lead"]
    if _class_in(view, classes["condition"], cs, hit.end, skip) or _class_in(view, lead_cls, cs, hit.start):
        return True
    # "乙方承诺在项目所在地设立子公司": what an operator pledges is what it is required to do
    if _class_in(view, classes["pledge"], cs, hit.end, skip):
        return True
    # "注册在本县的企业方可申报": the condition word may also close the clause
    _, ce = view.clause_at(max(hit.start, hit.end - 1))
    if _class_in(view, classes["condition_after"], hit.end, ce):
        return True
    return _in_context(view, lead_cls) or _label_before(view, hit, lead_cls)


def _scoring(view: SentenceView, hit: FrameHit, classes: dict[str, TermClass]) -> bool:
    return SCORE.search(view.text) is not None


def _preference(view: SentenceView, hit: FrameHit, classes: dict[str, TermClass]) -> bool:
    cls = classes["preference"]
    return _scoring(view, hit, classes) or _class_in(view, cls, 0, len(view.text)) or _in_context(view, cls)


def _benefit(view: SentenceView, hit: FrameHit, classes: dict[str, TermClass]) -> bool:
    cls = classes["benefit"]
    return _class_in(view, cls, 0, len(view.text)) or _in_context(view, cls)


def _definition(view: SentenceView, hit: FrameHit, classes: dict[str, TermClass]) -> bool:
    return _class_in(view, classes["definition"], 0, hit.start)


_GATES = {"condition": _condition, "preference": _preference, "benefit": _benefit, "definition": _definition,
          "scoring": _scoring}
assert set(_GATES) == set(GATES)


def gate(name: str, view: SentenceView, hit: FrameHit, classes: dict[str, TermClass]) -> bool:
    return _GATES[name](view, hit, classes)
