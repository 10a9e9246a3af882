"""A rule's documentation page, rendered from the :class:`~fairreview.match.lexicon.Rule` itself: what
``fairreview rule CODE`` prints and what scripts/gen_docs.py writes into docs/rules/ (one renderer, so the
two never differ). Only the rule's fields are read, so a rule of a new kind gets its page without a change
here: code, title, severity, provisions (with their Chinese citation and text from fairreview/legal.py),
message, suggestion, examples, exceptions and notes.
"""

from __future__ import annotations

from pathlib import Path

from ..facts import citations
from ..legal import Provision, provisions
from ..match.lexicon import Rule
from .labels import SEVERITY_ZH

# LG001 is not in the YAML (fairreview/facts/citations.py finds it); its page says what the code does.
LG001 = Rule(
    code=citations.CODE,
    name=citations.NAME,
    title=citations.TITLE,
    provisions=(),
    severity="warning",
    message="文件引用的法律、法规、规章或文件已被废止、被替代，或引用的是修订前的版本"
            "（fairreview/data/superseded.yaml 所列），以它为依据已不妥当。",
    suggestion="改为引用现行有效的法律法规（报告中给出替代它的文件）；只是记述历史沿革的引用可保留。",
    patterns=(),
    source="fairreview/facts/citations.py",
    notes="依据过时计入“修改”，但不计入“废止”的条款比例；公平竞争审查的条文没有一条针对它，"
          "所以不列依据条文。详见 docs/rules/LG.md。",
)


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
