"""Lexicons: YAML rule files, loaded and validated once at start.

A rule (see docs/lexicons.md) has a stable ``code``, a ``name``, the ``provisions`` it enforces, a
``severity``, a Chinese ``message`` and ``suggestion``, one or more ``patterns``, ``exceptions`` and
``examples`` that run as tests. A broken file raises :class:`LexiconError` naming file, rule and field.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..legal import provisions
from ..model import SEVERITIES
from ..read.normalize import normalize_term

# the C loader parses the same YAML ~14× faster (building an Engine was mostly YAML); libyaml may be missing
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CODE_RE = re.compile(r"^[A-Z]{2,4}\d{3}$")
SCOPES = ("sentence", "clause")
BUILTIN_DIRS = (
    Path(__file__).resolve().parent.parent / "lexicons",  # installed wheel (package data)
    Path(__file__).resolve().parent.parent.parent / "lexicons",  # source checkout
)


class LexiconError(ValueError):
    def __init__(self, file: str, rule: str | None, fld: str | None, message: str):
        self.file, self.rule, self.field = file, rule, fld
        where = file + (f" 规则 {rule}" if rule else "") + (f" 字段 {fld}" if fld else "")
        super().__init__(f"词库错误：{where}：{message}")


@dataclass(frozen=True)
class Pattern:
    any: tuple[str, ...] = ()
    seq: tuple[tuple[str, ...], ...] = ()
    gap: int = 10
    all: tuple[tuple[str, ...], ...] = ()
    not_: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = None
    scope: str = "sentence"
    window: int | None = None
    word: bool = False

    def triggers(self) -> tuple[str, ...]:
        return self.any if self.any else self.seq[0]

    def terms(self) -> set[str]:
        out = set(self.any) | set(self.not_)
        for group in (*self.seq, *self.all):
            out.update(group)
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

    def terms(self) -> set[str]:
        out = set(self.exceptions)
        for p in self.patterns:
            out |= p.terms()
        return out


@dataclass
class Lexicon:
    rules: list[Rule]
    version: str
    files: list[str] = field(default_factory=list)

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
        return Lexicon(rules=rules, version=self.version + tag, files=self.files)


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


_PATTERN_KEYS = {"any", "seq", "gap", "all", "not", "regex", "scope", "window", "word"}


def _pattern(raw: Any, file: str, code: str, idx: int) -> Pattern:
    fld = f"patterns[{idx}]"
    if not isinstance(raw, dict):
        raise LexiconError(file, code, fld, "应为映射（any/seq/all/not/regex/scope）")
    unknown = set(raw) - _PATTERN_KEYS
    if unknown:
        raise LexiconError(file, code, fld, f"未知的键：{', '.join(sorted(unknown))}")
    if "any" not in raw and "seq" not in raw:
        raise LexiconError(file, code, fld, "必须有 any（触发词）或 seq（有序序列）")
    regex = None
    if raw.get("regex") is not None:
        try:
            regex = re.compile(normalize_term(str(raw["regex"])))
        except re.error as exc:
            raise LexiconError(file, code, fld + ".regex", f"正则表达式无效：{exc}") from exc
    scope = raw.get("scope", "sentence")
    if scope not in SCOPES:
        raise LexiconError(file, code, fld + ".scope", f"应为 {' / '.join(SCOPES)}，而不是 {scope!r}")
    gap = raw.get("gap", 10)
    window = raw.get("window")
    for name, val in (("gap", gap), ("window", window)):
        if val is not None and (not isinstance(val, int) or isinstance(val, bool) or val < 0):
            raise LexiconError(file, code, f"{fld}.{name}", "应为非负整数")
    return Pattern(
        any=_terms(raw["any"], file, code, fld + ".any") if "any" in raw else (),
        seq=_groups(raw["seq"], file, code, fld + ".seq") if "seq" in raw else (),
        gap=gap,
        all=_groups(raw["all"], file, code, fld + ".all") if "all" in raw else (),
        not_=_terms(raw["not"], file, code, fld + ".not") if "not" in raw else (),
        regex=regex,
        scope=scope,
        window=window,
        word=bool(raw.get("word", False)),
    )


_RULE_KEYS = {
    "code", "name", "title", "provisions", "severity", "message", "suggestion", "pattern", "patterns",
    "exceptions", "negation", "examples", "notes",
}


def _rule(raw: Any, file: str, family: str, family_title: str, known: dict[str, Any]) -> Rule:
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
    provs = raw.get("provisions")
    if not isinstance(provs, list) or not provs:
        raise LexiconError(file, code, "provisions", "至少列出一个法律依据 id")
    for pid in provs:
        if pid not in known:
            raise LexiconError(file, code, "provisions", f"未知的依据 id：{pid}（见 fairreview/data/provisions.yaml）")
    if any(str(p).startswith(("FCR-8", "FCR-9", "FCR-10", "FCR-11")) for p in provs) is False:
        # a rule that cites the 实施办法 must also cite the 条例 item it elaborates
        for pid in provs:
            for target in known[pid].elaborates:
                if target.startswith("FCR-"):
                    raise LexiconError(file, code, "provisions", f"{pid} 细化条例 {target}，请一并列出条例 id")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise LexiconError(file, code, "severity", f"应为 {' / '.join(SEVERITIES)}，而不是 {severity!r}")
    raw_patterns = raw.get("patterns", [raw["pattern"]] if "pattern" in raw else None)
    if not isinstance(raw_patterns, list) or not raw_patterns:
        raise LexiconError(file, code, "patterns", "至少需要一个匹配模式（pattern 或 patterns）")
    patterns = tuple(_pattern(p, file, code, i) for i, p in enumerate(raw_patterns))
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict):
        raise LexiconError(file, code, "examples", "应为 {violation: [...], compliant: [...]}")
    viol = examples.get("violation") or []
    comp = examples.get("compliant") or []
    for key, ex in (("violation", viol), ("compliant", comp)):
        if not isinstance(ex, list) or not ex or not all(isinstance(e, str) and e.strip() for e in ex):
            raise LexiconError(file, code, f"examples.{key}", "至少需要一个例句（字符串列表）")
    exceptions = _terms(raw["exceptions"], file, code, "exceptions") if raw.get("exceptions") else ()
    return Rule(
        code=code,
        name=raw["name"].strip(),
        title=raw["title"].strip(),
        provisions=tuple(provs),
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
    )


def load_file(path: Path, known: dict[str, Any] | None = None) -> list[Rule]:
    known = provisions() if known is None else known
    file = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(file, None, None, f"无法读取：{exc}") from exc
    except yaml.YAMLError as exc:
        raise LexiconError(file, None, None, f"YAML 语法错误：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise LexiconError(file, None, "rules", "文件应为映射，并含有 rules 列表")
    family = str(data.get("family", "")).strip()
    family_title = str(data.get("title", "")).strip()
    return [_rule(r, file, family, family_title, known) for r in data["rules"]]


def builtin_dir() -> Path:
    for d in BUILTIN_DIRS:
        if d.is_dir() and any(d.glob("*.yaml")):
            return d
    raise LexiconError(str(BUILTIN_DIRS[-1]), None, None, "找不到内置词库目录")


def load(dirs: list[str | Path] | None = None, include_builtin: bool = True) -> Lexicon:
    """Load the built-in lexicon and any extra folders (or single files). Codes must be unique."""
    paths: list[Path] = []
    sources = ([builtin_dir()] if include_builtin else []) + [Path(d) for d in dirs or []]
    for d in sources:
        if d.is_file():
            paths.append(d)
        elif d.is_dir():
            paths.extend(sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml")))
        else:
            raise LexiconError(str(d), None, None, "词库路径不存在")
    known = provisions()
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    for p in paths:
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
        for r in load_file(p, known):
            if r.code in seen:
                raise LexiconError(str(p), r.code, "code", f"规则代码重复（已在 {seen[r.code]} 中定义）")
            seen[r.code] = str(p)
            rules.append(r)
    return Lexicon(rules=rules, version=f"{len(rules)}r-{digest.hexdigest()[:12]}", files=[str(p) for p in paths])
