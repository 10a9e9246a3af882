"""Lexicons: YAML rule files and the term classes they share, loaded and validated once at start.

A rule (see docs/lexicons.md) has a stable ``code``, a ``name``, the ``provisions`` it enforces, a
``severity``, a Chinese ``message`` and ``suggestion``, one or more ``patterns``, ``exceptions`` and
``examples`` that run as tests. A pattern is a **frame** over spans and term classes
(:mod:`fairreview.match.frames`) with gates (``when``) and scoped constraints (``with`` / ``unless``,
:mod:`fairreview.match.context`). The older keys (``any``/``seq``/``all``/``not``/``regex``) still load and
compile to the same kind of pattern, so a district's own lexicon keeps working.

Term classes live in ``classes.yaml`` beside the rule files; a broken file raises :class:`LexiconError`
naming file, rule and field.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..concepts.classes import ClassError, TermClass, load_classes
from ..concepts.needs import Need
from ..concepts.spans import DOC_KINDS
from ..legal import provisions
from ..model import SEVERITIES
from ..read.normalize import normalize_term
from ..regex import Regex
from . import detectors
from .context import GATES, SCOPES, Constraint
from .frames import Atom, Frame, FrameError, parse_atom, parse_frame
from .lexicon_files import BUILTIN_DIRS as BUILTIN_DIRS
from .lexicon_files import LexiconError as LexiconError
from .lexicon_files import builtin_dir as builtin_dir

CODE_RE = re.compile(r"^[A-Z]{2,4}\d{3}$")
CLASSES_FILE = "classes.yaml"
#: YAML beside the rule files that holds no rules: the term classes, and the reviewed list of words the
#: dev-set audit accepts (scripts/audit_devset_leak.py)
NOT_RULE_FILES = frozenset({CLASSES_FILE, "audit_allow.yaml"})
@dataclass(frozen=True)
class Pattern:
    frame: Frame
    when: tuple[str, ...] = ()  # gates, any one of which must hold
    with_: tuple[Constraint, ...] = ()  # every one must hold
    unless: tuple[Constraint, ...] = ()  # none may hold
    severity: str | None = None  # overrides the rule's (judgement calls are "info")
    word: bool = False  # the first atom must lie on word boundaries (segmenter)
    negation: bool | None = None  # overrides the rule's
    source: str = ""  # the YAML as written, for docs and error messages

    def anchors(self, classes: dict[str, TermClass]) -> list[frozenset[str]]:
        """Term sets of which the sentence must contain one each (the automaton's candidate test)."""
        out = self.frame.anchors(classes)
        for c in self.with_:
            if c.scope in ("clause", "sentence", "near", "before", "after") and c.atoms:
                sets = [a.anchors(classes) for a in c.atoms]
                if all(s is not None for s in sets):
                    out.append(frozenset().union(*sets))  # type: ignore[arg-type]
        return out

    def atoms(self) -> list[Atom]:
        out = list(self.frame.atoms)
        for c in (*self.with_, *self.unless):
            out.extend(c.atoms)
        return out


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    title: str
    provisions: tuple[str, ...]
    severity: str
    message: str
    suggestion: str
    patterns: tuple[Pattern, ...]
    exceptions: tuple[str, ...] = ()
    negation: bool = True
    violation_examples: tuple[str, ...] = ()
    compliant_examples: tuple[str, ...] = ()
    family: str = ""
    family_title: str = ""
    source: str = ""
    notes: str = ""
    detector: str = ""  # a whole-document check (match/detectors.py) instead of patterns

    def terms(self) -> set[str]:
        """Every literal word of the rule (its own words, not those of the classes it uses)."""
        out = set(self.exceptions)
        for p in self.patterns:
            for atom in p.atoms():
                out |= set(_literal_terms(atom))
        return out

    def class_names(self) -> set[str]:
        out: set[str] = set()
        for p in self.patterns:
            for atom in p.atoms():
                out |= _class_names(atom)
        return out


def _literal_terms(atom: Atom) -> tuple[str, ...]:
    if atom.kind == "literal":
        return atom.terms
    if atom.kind == "alt":
        return tuple(t for a in atom.alts for t in _literal_terms(a))
    return ()


def _class_names(atom: Atom) -> set[str]:
    if atom.kind == "class":
        return {atom.name}
    if atom.kind == "alt":
        return set().union(*(_class_names(a) for a in atom.alts))
    return set()


@dataclass
class Lexicon:
    rules: list[Rule]
    version: str
    files: list[str] = field(default_factory=list)
    classes: dict[str, TermClass] = field(default_factory=dict)
    # What each pattern needs of a sentence (match.prefilter.plan_needs), worked out before the rules are
    # cached so that a scan reading them back does not work it out again: distinct needs, and per rule code
    # the indices of each pattern's needs. Empty: the prefilter works them out itself.
    needs: tuple[Need, ...] = ()
    planned: dict[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict)

    def planned_needs(self) -> dict[str, tuple[tuple[Need, ...], ...]]:
        return {code: tuple(tuple(self.needs[i] for i in pattern) for pattern in patterns)
                for code, patterns in self.planned.items()}

    def by_code(self) -> dict[str, Rule]:
        return {r.code: r for r in self.rules}

    def select(self, select: list[str] | None = None, ignore: list[str] | None = None) -> Lexicon:
        """Keep rules whose code starts with a ``select`` prefix and with no ``ignore`` prefix (like ruff)."""
        sel = [s.upper() for s in select or [] if s]
        ign = [s.upper() for s in ignore or [] if s]
        rules = [
            r
            for r in self.rules
            if (not sel or any(r.code.startswith(s) for s in sel)) and not any(r.code.startswith(s) for s in ign)
        ]
        tag = ""
        if sel or ign:
            tag = "+sel:" + ",".join(sel) + ("-" + ",".join(ign) if ign else "")
        planned = {r.code: self.planned[r.code] for r in rules if r.code in self.planned}
        return Lexicon(rules=rules, version=self.version + tag, files=self.files, classes=self.classes,
                       needs=self.needs if planned else (), planned=planned)


# -- parsing ------------------------------------------------------------------------------------------------
def _terms(value: Any, file: str, code: str, fld: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise LexiconError(file, code, fld, "应为非空的词语列表")
    out = []
    for v in value:
        if not isinstance(v, str | int) or not str(v).strip():
            raise LexiconError(file, code, fld, f"词语必须是非空字符串：{v!r}")
        out.append(normalize_term(str(v)))
    return tuple(out)


def _groups(value: Any, file: str, code: str, fld: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not value:
        raise LexiconError(file, code, fld, "应为词语列表的列表，例如 [[招标, 采购], [本地]]")
    return tuple(_terms(g, file, code, fld) for g in value)


def _literal_atom(terms: tuple[str, ...]) -> Atom:
    uniq = tuple(sorted(set(terms), key=lambda t: (-len(t), t)))
    return Atom("literal", terms=uniq, regex=Regex("|".join(map(re.escape, uniq))))


def _regex(raw: Any, file: str, code: str, fld: str) -> Regex:
    try:
        return Regex(normalize_term(str(raw)), check=True)
    except re.error as exc:
        raise LexiconError(file, code, fld, f"正则表达式无效：{exc}") from exc


def _atoms(value: Any, classes: dict[str, TermClass], file: str, code: str, fld: str) -> tuple[Atom, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise LexiconError(file, code, fld, "应为词语、$词类或 @片段 的列表")
    out = []
    for item in items:
        if not isinstance(item, str | int) or not str(item).strip():
            raise LexiconError(file, code, fld, f"元素必须是非空字符串：{item!r}")
        try:
            out.append(parse_atom(str(item).strip(), classes))
        except FrameError as exc:
            raise LexiconError(file, code, fld, str(exc)) from exc
    return tuple(out)


def _constraint(raw: Any, default: str, classes: dict[str, TermClass], file: str, code: str,
                fld: str) -> Constraint:
    """``"$x"`` (default scope) · ``{clause: [...]}`` · ``{near: 10, any: [...]}`` · ``{regex: ..., in: sentence}``"""
    if isinstance(raw, str | int):
        return Constraint(default, _atoms(str(raw), classes, file, code, fld))
    if not isinstance(raw, dict):
        raise LexiconError(file, code, fld, "应为字符串或映射，如 {clause: [$lawful_basis]} 或 {near: 10, any: [...]}")
    if "regex" in raw:
        scope = raw.get("in", default)
        if scope not in SCOPES or set(raw) - {"regex", "in", "n"}:
            raise LexiconError(file, code, fld, f"regex 约束的键应为 regex/in/n，in 取 {' / '.join(SCOPES)}")
        return Constraint(scope, n=int(raw.get("n") or 0), regex=_regex(raw["regex"], file, code, fld + ".regex"))
    for scope in ("near", "before", "after"):
        if scope in raw:
            n = raw[scope]
            if not isinstance(n, int) or isinstance(n, bool) or n < 0 or set(raw) - {scope, "any"}:
                raise LexiconError(file, code, fld, f"{{{scope}: N, any: [...]}}，N 为非负整数")
            return Constraint(scope, _atoms(raw.get("any"), classes, file, code, fld + ".any"), n)
    return _scoped_constraint(raw, classes, file, code, fld)


def _scoped_constraint(raw: dict[str, Any], classes: dict[str, TermClass], file: str, code: str,
                       fld: str) -> Constraint:
    if len(raw) != 1 or next(iter(raw)) not in SCOPES:
        raise LexiconError(file, code, fld, f"范围应为 {' / '.join(SCOPES)} 之一")
    scope, value = next(iter(raw.items()))
    c = Constraint(scope, _atoms(value, classes, file, code, f"{fld}.{scope}"))
    if scope == "doc" and not all(a.kind == "literal" and set(a.terms) <= DOC_KINDS for a in c.atoms):
        raise LexiconError(file, code, fld, f"doc 范围的值应为文件类型：{' / '.join(sorted(DOC_KINDS))}")
    if scope in ("lead", "title", "personal") and any(a.kind == "span" for a in c.atoms):
        raise LexiconError(file, code, fld, f"{scope} 范围只能用词语和 $词类，不能用 @片段")
    return c


_NEW_KEYS = {"frame", "when", "with", "unless", "severity", "cross", "word", "negation"}
_OLD_KEYS = {"any", "seq", "gap", "all", "not", "regex", "scope", "window", "word"}


def _pattern(raw: Any, classes: dict[str, TermClass], file: str, code: str, idx: int) -> Pattern:
    fld = f"patterns[{idx}]"
    if not isinstance(raw, dict):
        raise LexiconError(file, code, fld, "应为映射（frame/when/with/unless）")
    if "frame" in raw:
        unknown = set(raw) - _NEW_KEYS
        if unknown:
            raise LexiconError(file, code, fld, f"未知的键：{', '.join(sorted(unknown))}")
        return _frame_pattern(raw, classes, file, code, fld)
    unknown = set(raw) - _OLD_KEYS
    if unknown:
        raise LexiconError(file, code, fld, f"未知的键：{', '.join(sorted(unknown))}")
    return _legacy_pattern(raw, classes, file, code, fld)


def _frame_pattern(raw: dict[str, Any], classes: dict[str, TermClass], file: str, code: str, fld: str) -> Pattern:
    try:
        frame = parse_frame(str(raw["frame"]), classes, cross=bool(raw.get("cross", False)))
    except FrameError as exc:
        raise LexiconError(file, code, fld + ".frame", str(exc)) from exc
    when = raw.get("when") or []
    when = [when] if isinstance(when, str) else when
    if not isinstance(when, list) or any(w not in GATES for w in when):
        raise LexiconError(file, code, fld + ".when", f"应为 {' / '.join(GATES)} 中的一个或多个")
    with_ = tuple(_constraint(c, "sentence", classes, file, code, f"{fld}.with[{i}]")
                  for i, c in enumerate(raw.get("with") or []))
    unless = tuple(_constraint(c, "clause", classes, file, code, f"{fld}.unless[{i}]")
                   for i, c in enumerate(raw.get("unless") or []))
    severity = raw.get("severity")
    if severity is not None and severity not in SEVERITIES:
        raise LexiconError(file, code, fld + ".severity", f"应为 {' / '.join(SEVERITIES)}")
    negation = raw.get("negation")
    pat = Pattern(frame, tuple(when), with_, unless, severity, bool(raw.get("word", False)),
                  None if negation is None else bool(negation), str(raw["frame"]))
    if not pat.anchors(classes):
        raise LexiconError(file, code, fld + ".frame",
                           "框架中至少要有一个由两字以上词语组成的元素（$词类或词语），用来确定候选句")
    return pat


def _legacy_steps(raw: dict[str, Any], file: str, code: str, fld: str) -> tuple[tuple[str, ...], ...]:
    if "any" in raw:
        return (_terms(raw["any"], file, code, fld + ".any"),)
    return _groups(raw["seq"], file, code, fld + ".seq")


def _legacy_constraints(raw: dict[str, Any], wide: str, window: int | None, scope: str, *, file: str, code: str,
                        fld: str) -> tuple[list[Constraint], list[Constraint]]:
    with_: list[Constraint] = []
    for group in _groups(raw["all"], file, code, fld + ".all") if "all" in raw else ():
        near = window is not None and scope == "sentence"
        with_.append(Constraint("near", (_literal_atom(group),), window or 0) if near
                     else Constraint(wide, (_literal_atom(group),)))
    if raw.get("regex") is not None:
        with_.append(Constraint(wide, regex=_regex(raw["regex"], file, code, fld + ".regex")))
    unless = []
    if "not" in raw:
        unless.append(Constraint(wide, (_literal_atom(_terms(raw["not"], file, code, fld + ".not")),)))
    return with_, unless


def _legacy_pattern(raw: dict[str, Any], classes: dict[str, TermClass], file: str, code: str, fld: str) -> Pattern:
    """The first lexicon syntax: any/seq/all/not/regex, read over the whole sentence (or clause)."""
    if "any" not in raw and "seq" not in raw:
        raise LexiconError(file, code, fld, "必须有 frame、any（触发词）或 seq（有序序列）")
    scope = raw.get("scope", "sentence")
    if scope not in ("sentence", "clause"):
        raise LexiconError(file, code, fld + ".scope", f"应为 sentence / clause，而不是 {scope!r}")
    gap, window = raw.get("gap", 10), raw.get("window")
    for name, val in (("gap", gap), ("window", window)):
        if val is not None and (not isinstance(val, int) or isinstance(val, bool) or val < 0):
            raise LexiconError(file, code, f"{fld}.{name}", "应为非负整数")
    steps = _legacy_steps(raw, file, code, fld)
    atoms = tuple(_literal_atom(s) for s in steps)
    frame = Frame(" ..".join("|".join(s) for s in steps), atoms, tuple(("..", gap) for _ in atoms[1:]), cross=True)
    wide = "sentence" if scope == "sentence" else "item"
    with_, unless = _legacy_constraints(raw, wide, window, scope, file=file, code=code, fld=fld)
    pat = Pattern(frame, (), tuple(with_), tuple(unless), None, bool(raw.get("word", False)), None, frame.source)
    if not pat.anchors(classes):
        raise LexiconError(file, code, fld, "触发词必须至少两个字（单字会让几乎每句话都成为候选句）")
    return pat


_RULE_KEYS = {
    "code", "name", "title", "provisions", "severity", "message", "suggestion", "pattern", "patterns",
    "exceptions", "negation", "examples", "notes", "detector",
}


def _check_provisions(provs: Any, file: str, code: str, known: dict[str, Any]) -> None:
    if not isinstance(provs, list) or not provs:
        raise LexiconError(file, code, "provisions", "至少列出一个法律依据 id")
    for pid in provs:
        if pid not in known:
            raise LexiconError(file, code, "provisions", f"未知的依据 id：{pid}（见 fairreview/data/provisions.yaml）")
    if not any(str(p).startswith(("FCR-8", "FCR-9", "FCR-10", "FCR-11")) for p in provs):
        # a rule that cites the 实施办法 must also cite the 条例 item it elaborates
        for pid in provs:
            for target in known[pid].elaborates:
                if target.startswith("FCR-"):
                    raise LexiconError(file, code, "provisions", f"{pid} 细化条例 {target}，请一并列出条例 id")


def _examples(raw: Any, file: str, code: str) -> tuple[list[str], list[str]]:
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict):
        raise LexiconError(file, code, "examples", "应为 {violation: [...], compliant: [...]}")
    viol = examples.get("violation") or []
    comp = examples.get("compliant") or []
    for key, ex in (("violation", viol), ("compliant", comp)):
        if not isinstance(ex, list) or not ex or not all(isinstance(e, str) and e.strip() for e in ex):
            raise LexiconError(file, code, f"examples.{key}", "至少需要一个例句（字符串列表）")
    return viol, comp


def _rule_patterns(raw: dict[str, Any], classes: dict[str, TermClass], file: str, code: str,
                   detector: str) -> tuple[Pattern, ...]:
    if detector:
        if detector not in detectors.NAMES:
            raise LexiconError(file, code, "detector", f"未知的检测器 {detector!r}（可用：{', '.join(sorted(detectors.NAMES))}）")
        if "patterns" in raw or "pattern" in raw:
            raise LexiconError(file, code, "detector", "detector 规则不写 patterns")
        return ()
    raw_patterns = raw.get("patterns", [raw["pattern"]] if "pattern" in raw else None)
    if not isinstance(raw_patterns, list) or not raw_patterns:
        raise LexiconError(file, code, "patterns", "至少需要一个匹配模式（pattern 或 patterns），或一个 detector")
    return tuple(_pattern(p, classes, file, code, i) for i, p in enumerate(raw_patterns))


def _rule(raw: Any, file: str, family: str, family_title: str, known: dict[str, Any],
          classes: dict[str, TermClass]) -> Rule:
    if not isinstance(raw, dict):
        raise LexiconError(file, None, "rules", "每条规则应为映射")
    code = raw.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise LexiconError(file, str(code) if code else None, "code", "规则代码应为 2–4 个大写字母加 3 位数字，例如 ME001")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise LexiconError(file, code, None, f"未知的字段：{', '.join(sorted(unknown))}")
    for key in ("name", "title", "message", "suggestion"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise LexiconError(file, code, key, "必填，且应为非空字符串")
    _check_provisions(raw.get("provisions"), file, code, known)
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise LexiconError(file, code, "severity", f"应为 {' / '.join(SEVERITIES)}，而不是 {severity!r}")
    detector = str(raw.get("detector") or "")
    patterns = _rule_patterns(raw, classes, file, code, detector)
    viol, comp = _examples(raw, file, code)
    exceptions = _terms(raw["exceptions"], file, code, "exceptions") if raw.get("exceptions") else ()
    return Rule(
        code=code,
        name=raw["name"].strip(),
        title=raw["title"].strip(),
        provisions=tuple(raw["provisions"]),
        severity=severity,
        message=raw["message"].strip(),
        suggestion=raw["suggestion"].strip(),
        patterns=patterns,
        exceptions=exceptions,
        negation=bool(raw.get("negation", True)),
        violation_examples=tuple(viol),
        compliant_examples=tuple(comp),
        family=family,
        family_title=family_title,
        source=file,
        notes=str(raw.get("notes") or "").strip(),
        detector=detector,
    )


def load_file(path: Path, known: dict[str, Any] | None = None,
              classes: dict[str, TermClass] | None = None) -> list[Rule]:
    known = provisions() if known is None else known
    classes = builtin_classes() if classes is None else classes
    import yaml  # here: rules read back from the cache never need the YAML parser

    from .. import yamldata

    file = str(path)
    try:
        data = yamldata.load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(file, None, None, f"无法读取：{exc}") from exc
    except yaml.YAMLError as exc:
        raise LexiconError(file, None, None, f"YAML 语法错误：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise LexiconError(file, None, "rules", "文件应为映射，并含有 rules 列表")
    family = str(data.get("family", "")).strip()
    family_title = str(data.get("title", "")).strip()
    return [_rule(r, file, family, family_title, known, classes) for r in data["rules"]]



def _load_classes(path: Path) -> dict[str, TermClass]:
    try:
        return load_classes(path)
    except ClassError as exc:
        raise LexiconError(exc.file, None, f"${exc.name}" if exc.name else None, str(exc)) from exc


def builtin_classes() -> dict[str, TermClass]:
    return _load_classes(builtin_dir() / CLASSES_FILE)


def _rule_files(d: Path) -> list[Path]:
    if d.is_file():
        return [d]
    files = sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml"))
    return [p for p in files if p.name not in NOT_RULE_FILES]


def load(dirs: list[str | Path] | None = None, include_builtin: bool = True) -> Lexicon:
    """Load the built-in lexicon and any extra folders (or single files). Codes and class names are unique;
    the built-in classes load even without the built-in rules (``include_builtin=False``)."""
    sources = ([builtin_dir()] if include_builtin else []) + [Path(d) for d in dirs or []]
    for d in sources:
        if not d.exists():
            raise LexiconError(str(d), None, None, "词库路径不存在")
    digest = hashlib.sha256()
    classes: dict[str, TermClass] = {}
    # the built-in classes always load, rules or not: the gates and spans use them, and a user's rules may too
    builtin = builtin_dir() / CLASSES_FILE
    if not builtin.is_file():
        raise LexiconError(str(builtin), None, None, "找不到内置词类文件")
    class_files = [builtin] + [d / CLASSES_FILE for d in sources
                               if d.is_dir() and d != builtin_dir() and (d / CLASSES_FILE).is_file()]
    for cf in class_files:
        digest.update(cf.name.encode() + b"\0" + cf.read_bytes())
        for name, cls in _load_classes(cf).items():
            if name in classes:
                raise LexiconError(str(cf), None, f"${name}", f"词类重复定义（已在 {classes[name].source} 中定义）")
            classes[name] = cls
    known = provisions()
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    paths = [p for d in sources for p in _rule_files(d)]
    for p in paths:
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
        for r in load_file(p, known, classes):
            if r.code in seen:
                raise LexiconError(str(p), r.code, "code", f"规则代码重复（已在 {seen[r.code]} 中定义）")
            seen[r.code] = str(p)
            rules.append(r)
    return Lexicon(rules=rules, version=f"{len(rules)}r-{digest.hexdigest()[:12]}",
                   files=[str(p) for p in (*class_files, *paths)], classes=classes)
