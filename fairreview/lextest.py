"""Run every rule's examples: a violation example must give that rule an error/warning finding, a
compliant example must not. Used by ``fairreview lexicon test`` and the test suite."""

from __future__ import annotations

from dataclasses import dataclass, field

from .match.lexicon import Lexicon, Rule
from .model import DocumentResult, Finding
from .pipeline import Engine
from .report.labels import SEVERITY_ZH
from .settings import Settings, load_settings

KINDS = ("violation", "compliant")
KIND_ZH = {"violation": "应命中", "compliant": "不应命中"}


@dataclass
class ExampleResult:
    rule: Rule
    kind: str  # violation | compliant
    index: int
    text: str
    findings: list[Finding] = field(default_factory=list)  # every finding the example produced

    @property
    def hit(self) -> bool:
        # an info rule (提示) hits with its own severity; every other rule must flag (error/warning)
        info_rule = self.rule.severity == "info"
        return any(f.rule == self.rule.code and (f.flags() or info_rule) for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.hit if self.kind == "violation" else not self.hit

    def explain(self) -> str:
        """Why it failed, in the words a rule author needs: what fired instead, or why it was downgraded."""
        own = [f for f in self.findings if f.rule == self.rule.code]
        others = sorted({f.rule for f in self.findings if f.rule != self.rule.code and f.flags()})
        parts = []
        if self.kind == "violation":
            if own:
                f = own[0]
                parts.append(f"本规则仅为“{SEVERITY_ZH[f.severity]}”" + (f"（{f.note}）" if f.note else ""))
            else:
                parts.append("本规则没有匹配")
        else:
            f = next((f for f in own if f.flags()), own[0])
            parts.append(f"命中词：{'、'.join(f.evidence)}")
        if others:
            parts.append(f"其他命中规则：{'、'.join(others)}")
        return "；".join(parts)

    def describe(self) -> str:
        head = f"{self.rule.code} {self.kind}[{self.index}] {KIND_ZH[self.kind]}"
        return f"{head}：{self.text}（{self.explain()}）"


def check_example(engine: Engine, rule: Rule, kind: str, index: int) -> ExampleResult:
    examples = rule.violation_examples if kind == "violation" else rule.compliant_examples
    text = examples[index]
    doc = engine.analyse_text(text, DocumentResult(path=f"<example {rule.code}>")).result
    return ExampleResult(rule, kind, index, text, doc.findings)


def examples_of(rule: Rule) -> list[tuple[str, int]]:
    return [("violation", i) for i in range(len(rule.violation_examples))] + [
        ("compliant", i) for i in range(len(rule.compliant_examples))
    ]


def check_rule(engine: Engine, rule: Rule) -> list[str]:
    results = [check_example(engine, rule, kind, i) for kind, i in examples_of(rule)]
    return [r.describe() for r in results if not r.ok]


def run_all(lexicon: Lexicon, settings: Settings | None = None) -> list[ExampleResult]:
    engine = Engine(settings if settings is not None else load_settings(), lexicon=lexicon)
    # the engine's lexicon is the selected one; run every rule it kept
    return [check_example(engine, rule, kind, i)
            for rule in engine.lexicon.rules for kind, i in examples_of(rule)]


def run_examples(lexicon: Lexicon, settings: Settings | None = None) -> tuple[list[str], int]:
    results = run_all(lexicon, settings)
    return [r.describe() for r in results if not r.ok], len(results)
