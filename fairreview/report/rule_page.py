"""A rule's documentation page, rendered from the :class:`~fairreview.match.lexicon.Rule` itself: what
``fairreview rule CODE`` prints and what scripts/gen_docs.py writes into docs/rules/ (one renderer, so the
two never differ). Only the rule's fields are read, so a rule of a new kind gets its page without a change
here: code, title, severity, provisions (with their Chinese citation and text from fairreview/legal.py),
message, how it recognises a clause (its patterns, or the detector it runs), suggestion, examples,
exceptions and notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..concepts.spans import DOC_KINDS_ZH
from ..legal import Provision, provisions
from ..match.context import GATE_ZH, SCOPE_ZH, Constraint
from ..match.lexicon import Pattern, Rule
from .labels import SEVERITY_ZH


def inline(text: str) -> str:
    """Text on one line (outside tables a ``|`` needs no escape)."""
    return " ".join(text.split())


def constraint_zh(c: Constraint) -> str:
    where = SCOPE_ZH[c.scope].format(n=c.n)
    if c.regex is not None:
        return f"{where}匹配 `{inline(c.regex.pattern)}`"
    if c.scope == "personal":
        words = "、".join(f"`{inline(a.describe())}`" for a in c.atoms)
        return f"文件标题表明面向个人（出现 {words}）且句中没有经营者"
    if c.scope == "doc":
        return "文件是" + "或".join(DOC_KINDS_ZH.get(t, t) for a in c.atoms for t in a.terms)
    return f"{where}出现 " + "、".join(f"`{inline(a.describe())}`" for a in c.atoms)


def grouped(cs: Iterable[Constraint]) -> list[Constraint]:
    """Consecutive word constraints over the same scope read as one (``unless: [$a, b]`` is one per word)."""
    out: list[Constraint] = []
    for c in cs:
        last = out[-1] if out else None
        if last and c.regex is None and last.regex is None and (last.scope, last.n) == (c.scope, c.n):
            out[-1] = Constraint(c.scope, last.atoms + c.atoms, c.n)
        else:
            out.append(c)
    return out


def pattern_lines(i: int, pat: Pattern) -> list[str]:
    """One pattern of a rule, readable: the frame as written, then its gates and conditions."""
    head = f"{i}. `{inline(pat.frame.source)}`"
    if pat.frame.cross and len(pat.frame.atoms) > 1:
        head += "（可跨逗号）"
    if pat.severity:
        head += f"；级别改为 `{pat.severity}`"
    out = [head]
    if pat.when:
        out.append("   - 须" + "，或".join(GATE_ZH[g] for g in pat.when))
    out += [f"   - 且{constraint_zh(c)}" for c in pat.with_]
    if pat.unless:
        out.append("   - 除非" + "；或".join(constraint_zh(c) for c in grouped(pat.unless)))
    return out


def how_section(rule: Rule) -> list[str]:
    out = ["### 如何识别", ""]
    if rule.detector:
        return out + [f"不是句子模式，而是对全文的核对（检测器 `{rule.detector}`，见“说明”）。", ""]
    out += ["任一模式命中即报告（按顺序尝试）：", ""]
    for i, pat in enumerate(rule.patterns, 1):
        out += pattern_lines(i, pat)
    out.append("")
    if rule.negation:
        out += ["句子是在禁止、纠正或否定该做法（“不得……”“清理……”）时不报告。", ""]
    return out


def quote(text: str) -> list[str]:
    return ["> " + line if line else ">" for line in text.strip().split("\n")]


def shown_path(source: str) -> str:
    """Where a rule is defined, the same on every machine (installed or checked out)."""
    if source.startswith("fairreview/"):
        return source
    return f"lexicons/{Path(source).name}"


def rule_section(rule: Rule, known: dict[str, Provision] | None = None) -> list[str]:
    """The Markdown section of one rule (``## CODE title`` …)."""
    known = known if known is not None else provisions()
    out = [f"## {rule.code} {rule.title}", ""]
    out += [
        f"- 英文名：`{rule.name}`",
        f"- 级别：`{rule.severity}`（{SEVERITY_ZH[rule.severity]}）",
        f"- 依据：{'、'.join(f'`{p}`' for p in rule.provisions) or '无'}",
        f"- 定义于：`{shown_path(rule.source)}`",
        "",
        "### 标记什么",
        "",
        rule.message,
        "",
    ]
    out += _legal(rule, known)
    out += how_section(rule)
    if rule.violation_examples or rule.compliant_examples:
        out += ["### 违反的例子", ""]
        out += [f"- {e}" for e in rule.violation_examples]
        out += ["", "### 合规的写法", ""]
        out += [f"- {e}" for e in rule.compliant_examples]
        out.append("")
    out += ["### 如何修改", "", rule.suggestion, ""]
    if rule.exceptions:
        terms = "、".join(f"“{t}”" for t in rule.exceptions)
        out += ["### 例外", "", f"句中出现下列表述时不报告（或降级）：{terms}", ""]
    if rule.notes:
        out += ["### 说明", "", rule.notes, ""]
    return out


def _legal(rule: Rule, known: dict[str, Provision]) -> list[str]:
    if not rule.provisions:
        return []
    out = ["### 法律依据", ""]
    for pid in rule.provisions:
        prov = known.get(pid)
        if prov is None:
            out += [f"`{pid}`（条文库中没有这一条）", ""]
            continue
        out.append(f"**{prov.citation}**（`{pid}`）")
        out.append("")
        out += quote(prov.quote) if prov.quote else ["> （条文原文暂缺）"]
        if prov.source:
            out += [">", f"> —— 来源：{prov.source}"]
        out.append("")
    return out


def rule_page(rule: Rule) -> str:
    """The page ``fairreview rule CODE`` prints."""
    family = f"规则族：{rule.family} {rule.family_title}".rstrip() if rule.family else ""
    lines = rule_section(rule)
    if family:
        lines[1:1] = ["", family]
    return "\n".join(lines).rstrip("\n") + "\n"
