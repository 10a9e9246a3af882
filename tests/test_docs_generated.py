"""The rule reference in docs/ is generated from the YAML (scripts/gen_docs.py); the committed pages must be
what the current lexicons and provisions produce. When this fails, run ``python scripts/gen_docs.py``."""

from __future__ import annotations

import difflib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from fairreview.match.lexicon import load

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "gen_docs"
FIX = "文档与词库不一致：请运行 `python scripts/gen_docs.py` 重新生成 docs/rules/ 和 docs/coverage.md"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_docs"] = module
    spec.loader.exec_module(module)
    return module


def test_committed_docs_are_up_to_date(gen: ModuleType) -> None:
    bad = gen.out_of_date(ROOT)
    assert not bad, FIX + "\n过期：" + "、".join(bad)


def test_generated_pages_match_the_golden_files(gen: ModuleType) -> None:
    """A small rule family (tests/fixtures/gen_docs/lexicon) against its pages as reviewed and checked in:
    the generator's output is compared with an expectation written down once, not with itself. After an
    intended change of the page layout, regenerate the two files and review the diff."""
    lex = load([str(GOLDEN / "lexicon")], include_builtin=False)
    pages = gen.generate(lex)
    for page, golden in (("docs/rules/GLD.md", "GLD.md"), ("docs/rules/index.md", "index.md")):
        want = (GOLDEN / "expected" / golden).read_text(encoding="utf-8")
        got = pages[Path(page)]
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), golden, page))
        assert got == want, f"{page} differs from tests/fixtures/gen_docs/expected/{golden}:\n{diff}"


def test_every_rule_has_a_section_with_its_legal_text(gen: ModuleType) -> None:
    pages = gen.generate()
    known = gen.provisions()
    for rule in load().rules:
        family = gen.family_of(rule)
        if family in gen.RESERVED:
            continue
        page = pages[Path(f"docs/rules/{family}.md")]
        assert f"## {rule.code} {rule.title}" in page
        assert rule.suggestion in page and rule.message in page
        for pid in rule.provisions:
            assert known[pid].citation in page
        for example in (*rule.violation_examples, *rule.compliant_examples):
            assert example in page
        assert f"[{rule.code}]({family}.md#{rule.code.lower()})" in pages[Path("docs/rules/index.md")]


def test_coverage_lists_uncited_provisions_as_gaps(gen: ModuleType) -> None:
    lex = load()
    cited = {p for r in lex.rules for p in r.provisions}
    text, gaps = gen.coverage_page(lex, gen.provisions())
    ids = [i for _, group in gen.in_scope(gen.provisions()) for i in group]
    for item in ("FCR-8-1", "FCR-11-4", "FCRIM-9-1", "FCRIM-23-3", "AML-39"):
        assert item in ids
    assert "FCR-8" not in ids  # an article with items is covered item by item
    flat = {i for group in gaps.values() for i in group}
    assert flat == {i for i in ids if i not in cited}
    for pid in flat:
        assert f"| `{pid}` " in text and "**缺口**" in text


def test_stale_pages_are_only_generated_ones(gen: ModuleType, tmp_path: Path) -> None:
    """A generated page the YAML no longer produces is stale; a hand-written page never is. LG (a detector
    rule) is generated like every other family."""
    rules = tmp_path / "docs" / "rules"
    rules.mkdir(parents=True)
    (rules / "LG.md").write_text(gen.MARKER + "\n# LG\n", encoding="utf-8")
    (rules / "OLD.md").write_text(gen.MARKER + "\n# OLD\n", encoding="utf-8")
    (rules / "notes.md").write_text("# hand-written\n", encoding="utf-8")
    pages = gen.generate()
    assert "检测器 `superseded-citation`" in pages[Path("docs/rules/LG.md")]
    assert [p.name for p in gen.stale(pages, tmp_path)] == ["OLD.md"]


def test_classes_page_lists_each_class_with_its_rules(gen: ModuleType) -> None:
    lex = load()
    page = gen.generate(lex)[Path("docs/classes.md")]
    for name, cls in lex.classes.items():
        assert f"## ${name}\n\n{cls.title}" in page
    # a class a rule's frame uses links back to that rule
    me101 = lex.by_code()["ME101"]
    assert "approval" in me101.class_names()
    section = page.split("## $approval\n", 1)[1].split("\n## ", 1)[0]
    assert "[ME101](rules/ME.md#me101)" in section
