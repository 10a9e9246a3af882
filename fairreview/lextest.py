"""Run every rule's examples: a violation example must give that rule an error/warning finding, a
compliant example must not. Used by ``fairreview lexicon test`` and the test suite."""

from __future__ import annotations

from .match.lexicon import Lexicon, Rule
from .pipeline import Engine
from .settings import Settings


def check_rule(engine: Engine, rule: Rule) -> list[str]:
    failures = []
    for text in rule.violation_examples:
        doc = engine.analyse_text(text, _doc(rule)).result
        if not any(f.rule == rule.code and f.flags() for f in doc.findings):
            failures.append(f"{rule.code} 应命中而未命中：{text}")
    for text in rule.compliant_examples:
        doc = engine.analyse_text(text, _doc(rule)).result
        if any(f.rule == rule.code and f.flags() for f in doc.findings):
            failures.append(f"{rule.code} 不应命中却命中：{text}")
    return failures


def _doc(rule: Rule):  # type: ignore[no-untyped-def]
    from .model import DocumentResult

    return DocumentResult(path=f"<example {rule.code}>")


def run_examples(lexicon: Lexicon, settings: Settings | None = None) -> tuple[list[str], int]:
    engine = Engine(settings or Settings(), lexicon=lexicon)
    failures: list[str] = []
    total = 0
    for rule in lexicon.rules:
        total += len(rule.violation_examples) + len(rule.compliant_examples)
        failures += check_rule(engine, rule)
    return failures, total
