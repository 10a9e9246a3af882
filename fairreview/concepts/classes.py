"""Term classes: named sets of words, each defined once in ``lexicons/classes.yaml`` and referenced by
rules as ``$name`` (designation verbs, benefit words, economic-contribution metrics, lawful basis …).

A class may ``include`` other classes (its terms are the union). Terms are normalised like document text
(NFKC). Single-character terms are allowed (须, 应) but never serve as automaton triggers; they are looked
for only inside sentences that another term already made candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..read.normalize import normalize_term
from ..regex import NEVER, Regex

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class ClassError(ValueError):
    def __init__(self, file: str, name: str | None, message: str):
        self.file, self.name = file, name
        where = file + (f" 词类 ${name}" if name else "")
        super().__init__(f"词类错误：{where}：{message}")


@dataclass(frozen=True)
class TermClass:
    name: str
    title: str
    terms: tuple[str, ...]  # longest first
    notes: str = ""
    source: str = ""
    patterns: tuple[str, ...] = ()  # regular expressions for forms a word list cannot state
    excepts: tuple[str, ...] = ()  # longer words a term must not be part of (纳税 but not 纳税人)
    regex: Regex = field(default=NEVER, compare=False, repr=False)

    @property
    def anchorable(self) -> bool:
        """Every term has at least two characters: the class can make a sentence a candidate."""
        return not self.patterns and all(len(t) >= 2 for t in self.terms)


def _term_regex(term: str, excepts: tuple[str, ...]) -> str:
    """``term``, but not where it is part of one of ``excepts`` (纳税 but not 纳税人, 应 but not 供应)."""
    out = re.escape(term)
    ahead = [e[len(term):] for e in excepts if e.startswith(term) and len(e) > len(term)]
    behind = [e[: -len(term)] for e in excepts if e.endswith(term) and len(e) > len(term)]
    if ahead:
        out += "(?!" + "|".join(map(re.escape, ahead)) + ")"
    # a lookbehind must have a fixed width: one per excepted prefix
    out = "".join(f"(?<!{re.escape(b)})" for b in sorted(set(behind))) + out
    return out


def _compile(terms: tuple[str, ...], patterns: tuple[str, ...] = (), excepts: tuple[str, ...] = ()) -> Regex:
    parts = [*patterns, *(_term_regex(t, excepts) for t in terms)]
    return Regex("|".join(parts), check=True) if parts else NEVER


def make_class(name: str, terms: list[str] | tuple[str, ...], title: str = "", *, notes: str = "",
               source: str = "", patterns: list[str] | tuple[str, ...] = (),
               excepts: list[str] | tuple[str, ...] = ()) -> TermClass:
    uniq = tuple(sorted({normalize_term(t) for t in terms if t}, key=lambda t: (-len(t), t)))
    pats = tuple(normalize_term(p) for p in patterns)
    exc = tuple(sorted({normalize_term(e) for e in excepts if e}))
    return TermClass(name, title or name, uniq, notes, source, pats, exc, _compile(uniq, pats, exc))


_KEYS = {"title", "terms", "patterns", "except", "include", "notes"}


def _read(path: Path) -> dict[str, Any]:
    import yaml  # here: term classes read back from the rules cache never need the YAML parser

    from .. import yamldata

    file = str(path)
    try:
        data = yamldata.load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ClassError(file, None, f"无法读取：{exc}") from exc
    except yaml.YAMLError as exc:
        raise ClassError(file, None, f"YAML 语法错误：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("classes"), dict):
        raise ClassError(file, None, "文件应为映射，并含有 classes 映射")
    classes: dict[str, Any] = data["classes"]
    return classes


def _check_entry(file: str, name: str, entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ClassError(file, name, "未定义，或不是映射（title/terms/include）")
    if not NAME_RE.match(name):
        raise ClassError(file, name, "名称应为小写字母、数字和下划线，如 register")
    unknown = set(entry) - _KEYS
    if unknown:
        raise ClassError(file, name, f"未知的键：{', '.join(sorted(unknown))}")
    terms = entry.get("terms") or []
    if not isinstance(terms, list) or not all(isinstance(t, str | int) and str(t).strip() for t in terms):
        raise ClassError(file, name, "terms 应为非空字符串列表")
    for p in entry.get("patterns") or []:
        try:
            re.compile(str(p))
        except re.error as exc:
            raise ClassError(file, name, f"正则表达式无效：{p!r}：{exc}") from exc
    if not str(entry.get("title") or "").strip():
        raise ClassError(file, name, "缺少 title（中文名称）")
    return entry


def load_classes(path: Path) -> dict[str, TermClass]:
    file = str(path)
    raw = _read(path)
    out: dict[str, TermClass] = {}

    def build(name: str, stack: tuple[str, ...] = ()) -> TermClass:
        if name in out:
            return out[name]
        if name in stack:
            raise ClassError(file, name, f"include 循环：{' → '.join((*stack, name))}")
        entry = _check_entry(file, name, raw.get(name))
        terms = [str(t).strip() for t in entry.get("terms") or []]
        pats = [str(p) for p in entry.get("patterns") or []]
        excepts = [str(e) for e in entry.get("except") or []]
        for inc in entry.get("include") or []:
            included = build(str(inc), (*stack, name))
            terms.extend(included.terms)
            pats.extend(included.patterns)
            excepts.extend(included.excepts)
        if not terms and not pats:
            raise ClassError(file, name, "至少需要一个词（terms 或 include）")
        out[name] = make_class(name, terms, str(entry["title"]).strip(), notes=str(entry.get("notes") or "").strip(),
                               source=file, patterns=pats, excepts=excepts)
        return out[name]

    for name in raw:
        build(str(name))
    return out
