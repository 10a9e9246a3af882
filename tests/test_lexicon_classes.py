"""Term classes are the one place for each shared list of words (issue 10, item 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fairreview.match.context import GATE_CLASSES
from fairreview.match.lexicon import _literal_terms, builtin_dir, load

LEX = load()
# classes the engine itself reads (gates, polarity, providers) rather than a rule
# read by the engine rather than by rules: the gates and scopes, polarity (restated_ban), the PARTY/ROLE providers
ENGINE_CLASSES = set(GATE_CLASSES) | {"restated_ban", "party", "role"}


def _used_classes() -> set[str]:
    used = set(ENGINE_CLASSES)
    for rule in LEX.rules:
        used |= rule.class_names()
    text = (builtin_dir() / "classes.yaml").read_text(encoding="utf-8")
    for m in re.finditer(r"include: \[([^\]]*)\]", text):
        used |= {w.strip() for w in m.group(1).split(",")}
    return used


def test_every_class_is_used() -> None:
    unused = sorted(set(LEX.classes) - _used_classes())
    assert not unused, f"classes.yaml 中有未被任何规则使用的词类：{unused}"


@pytest.mark.parametrize("rule", LEX.rules, ids=[r.code for r in LEX.rules])
def test_no_rule_repeats_a_class(rule) -> None:  # type: ignore[no-untyped-def]
    """A rule's own word list sharing three or more words with a class should say $class instead."""
    for pat in rule.patterns:
        for atom in pat.atoms():
            words = set(_literal_terms(atom))
            if len(words) < 3:
                continue
            for name, cls in LEX.classes.items():
                shared = words & set(cls.terms)
                assert len(shared) < 3, f"{rule.code} 的词表与 ${name} 重复 {sorted(shared)}：请改用 ${name}"


def test_every_class_has_a_chinese_title() -> None:
    for name, cls in LEX.classes.items():
        assert re.search(r"[\u4e00-\u9fff]", cls.title), name


def test_locality_words_are_defined_once() -> None:
    """The deictic places live in the PLACE provider, not in rules (they were listed 22 times in 15 rules)."""
    deictic = re.compile(r"本市|本区|本县|我市|我县|我区|本地")
    for path in sorted(Path(builtin_dir()).glob("*.yaml")):
        if path.name == "classes.yaml":
            continue
        body = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if "frame:" in line or "unless:" in line or "with:" in line)
        assert not deictic.search(body), f"{path.name} 的模式中直接列出了本地词，应使用 @PLACE:local"
