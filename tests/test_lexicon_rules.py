"""The bundled rules as reviewed data, run as tests.

Every example of every rule in lexicons/*.yaml is one test case (``ME301-violation-0`` …): a violation
example must give that rule an error/warning finding, a compliant one must not. Structural checks per rule
keep the examples meaningful (two of each, a restated ban among the compliant ones) and the legal basis
exact. A broken rule file must fail with one clear error naming file, rule and field, and ``scan`` exits 2.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fairreview.cli import main
from fairreview.legal import provisions
from fairreview.lextest import check_example, examples_of
from fairreview.match.lexicon import LexiconError, Rule, load, load_file
from fairreview.pipeline import Engine

try:
    BUILTIN: list[Rule] = load().rules
    LOAD_ERROR: LexiconError | None = None
except LexiconError as exc:  # reported by test_builtin_lexicon_loads; the other tests then have no cases
    BUILTIN, LOAD_ERROR = [], exc

CASES = [pytest.param(r, kind, i, id=f"{r.code}-{kind}-{i}") for r in BUILTIN for kind, i in examples_of(r)]
RULES = [pytest.param(r, id=r.code) for r in BUILTIN]
# A restated ban: the compliant form a reviewer most needs the rule to leave alone ("不得限定……").
BAN = re.compile(r"不得|禁止|严禁|不准|不允许|不应|杜绝|不能|不可|一律不|防止|避免")
FCR_ITEM = re.compile(r"^FCR-(8|9|10|11)-\d+$")


def test_builtin_lexicon_loads() -> None:
    assert LOAD_ERROR is None, str(LOAD_ERROR)
    assert len(BUILTIN) >= 10


@pytest.mark.parametrize(("rule", "kind", "index"), CASES)
def test_example(engine: Engine, rule: Rule, kind: str, index: int) -> None:
    result = check_example(engine, rule, kind, index)
    assert result.ok, result.describe()


@pytest.mark.parametrize("rule", RULES)
def test_rule_has_enough_examples(rule: Rule) -> None:
    assert len(rule.violation_examples) >= 2, f"{rule.code}（{rule.source}）至少需要 2 个 violation 例句"
    assert len(rule.compliant_examples) >= 2, f"{rule.code}（{rule.source}）至少需要 2 个 compliant 例句"


@pytest.mark.parametrize("rule", RULES)
def test_compliant_examples_include_a_restated_ban(rule: Rule) -> None:
    assert any(BAN.search(e) for e in rule.compliant_examples), (
        f"{rule.code}（{rule.source}）的 compliant 例句中应至少有一句重申禁止性规定（含“不得”“禁止”等）"
    )


@pytest.mark.parametrize("rule", RULES)
def test_examples_are_distinct(rule: Rule) -> None:
    both = set(rule.violation_examples) & set(rule.compliant_examples)
    assert not both, f"{rule.code}：同一例句既是 violation 又是 compliant：{both}"
    for kind, examples in (("violation", rule.violation_examples), ("compliant", rule.compliant_examples)):
        assert len(set(examples)) == len(examples), f"{rule.code}：{kind} 例句重复"


@pytest.mark.parametrize("rule", RULES)
def test_provisions_exist_and_are_in_force(rule: Rule) -> None:
    known = provisions()
    for pid in rule.provisions:
        assert pid in known, f"{rule.code}：未知的依据 id {pid}"
    assert len(set(rule.provisions)) == len(rule.provisions), f"{rule.code}：依据 id 重复"


@pytest.mark.parametrize("rule", RULES)
def test_implementing_measure_comes_with_its_regulation_item(rule: Rule) -> None:
    """Citing 实施办法 item X that elaborates 条例 Art. 8–11 item Y requires citing Y as well."""
    known = provisions()
    cited = set(rule.provisions)
    for pid in rule.provisions:
        targets = [t for t in known[pid].elaborates if FCR_ITEM.match(t)]
        if targets:
            assert cited & set(targets), f"{rule.code}：{pid} 细化条例 {' / '.join(targets)}，应一并列出"


def test_codes_are_unique_across_files() -> None:
    seen: dict[str, str] = {}
    for r in BUILTIN:
        assert r.code not in seen, f"{r.code} 同时定义于 {seen[r.code]} 和 {r.source}"
        seen[r.code] = r.source


def test_family_matches_code_prefix() -> None:
    for r in BUILTIN:
        assert r.family, f"{r.code}（{r.source}）所在文件缺少 family"
        assert r.code.startswith(r.family), f"{r.code} 的代码前缀与所在规则族 {r.family} 不一致"


# -- broken rule files --------------------------------------------------------------------------------
GOOD_RULE = """\
family: TST
title: 测试
rules:
  - code: TST001
    name: test-rule
    title: 测试规则
    provisions: [FCR-8-3, FCRIM-11-1]
    severity: error
    message: 测试
    suggestion: 测试
    patterns:
      - any: [独家供应]
    examples:
      violation: [由某公司独家供应。, 本县由某公司独家供应。]
      compliant: [不得指定独家供应。, 公开招标确定供应商。]
"""

def _broken(old: str, new: str, rule: str, fld: str | None, name: str) -> Any:
    assert old in GOOD_RULE
    return pytest.param(GOOD_RULE.replace(old, new), rule, fld, id=name)


ANY = "- any: [独家供应]"
BROKEN = [
    _broken("severity: error", "severity: fatal", "TST001", "severity", "bad-severity"),
    _broken("[FCR-8-3, FCRIM-11-1]", "[FCR-8-3, FCRIM-99-9]", "TST001", "provisions", "unknown-provision"),
    _broken("[FCR-8-3, FCRIM-11-1]", "[FCRIM-11-1]", "TST001", "provisions", "measure-without-regulation"),
    _broken("    message: 测试\n", "", "TST001", "message", "missing-message"),
    _broken(ANY, ANY + "\n        regex: '(未闭合'", "TST001", "patterns[0].regex", "bad-regex"),
    _broken(ANY, "- all: [[独家供应]]", "TST001", "patterns[0]", "pattern-without-trigger"),
    _broken("      compliant: [不得指定独家供应。, 公开招标确定供应商。]\n", "",
            "TST001", "examples.compliant", "no-compliant-examples"),
    _broken("code: TST001", "code: tst-1", "tst-1", "code", "bad-code"),
    _broken("    name: test-rule\n", "    name: test-rule\n    nmae: x\n", "TST001", None, "unknown-field"),
]


@pytest.mark.parametrize(("text", "rule", "field"), BROKEN)
def test_broken_rule_file_names_file_rule_and_field(tmp_path: Path, text: str, rule: str, field: str | None) -> None:
    path = tmp_path / "district.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_file(path)
    err = info.value
    assert (err.file, err.rule, err.field) == (str(path), rule, field)
    message = str(err)
    assert str(path) in message and rule in message and (field is None or field in message)


def test_good_rule_file_loads(tmp_path: Path) -> None:
    """The fixture above is valid, so each broken variant fails for the one reason it names."""
    path = tmp_path / "district.yaml"
    path.write_text(GOOD_RULE, encoding="utf-8")
    assert [r.code for r in load_file(path)] == ["TST001"]


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "district.yaml"
    path.write_text(GOOD_RULE.replace("rules:\n", "rules:\n  - [unclosed\n"), encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_file(path)
    assert str(path) in str(info.value) and "YAML" in str(info.value)


def test_a_repeated_key_is_an_error_not_a_silent_override(tmp_path: Path) -> None:
    """PyYAML keeps the last of two equal keys: a rule with two ``unless:`` would lose the first unseen."""
    path = tmp_path / "district.yaml"
    path.write_text(GOOD_RULE.replace(ANY, ANY + "\n        unless: [公开招标]\n        unless: [依法]"), encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_file(path)
    message = str(info.value)
    assert str(path) in message and "unless" in message and "重复" in message and "第 " in message


@pytest.mark.parametrize(("text", "rule", "field"), BROKEN[:3])
def test_scan_with_broken_lexicon_exits_2(tmp_path: Path, text: str, rule: str, field: str) -> None:
    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "district.yaml").write_text(text, encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text("第一条 为规范管理，制定本办法。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", str(doc), "--lexicon", str(lex)])
    assert result.exit_code == 2, result.output
    assert "district.yaml" in result.stderr and rule in result.stderr and field in result.stderr
    assert result.stderr.count("词库错误") == 1  # one clear error, not a traceback
    assert "Traceback" not in result.output


def test_duplicate_code_in_extra_lexicon_is_an_error(tmp_path: Path) -> None:
    lex = tmp_path / "lex"
    lex.mkdir()
    code = BUILTIN[0].code if BUILTIN else "ME301"
    family = re.sub(r"\d+$", "", code)
    text = GOOD_RULE.replace("TST001", code).replace("family: TST", f"family: {family}")
    (lex / "dup.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load([lex])
    assert info.value.rule == code and info.value.field == "code" and "dup.yaml" in str(info.value)


def test_lexicon_list_groups_rules_by_family() -> None:
    result = CliRunner().invoke(main, ["lexicon", "list"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    families = sorted({r.family for r in BUILTIN})
    positions = [out.index(f"\n{f}  ") for f in families]
    assert positions == sorted(positions)  # one heading per family, in order
    for r in BUILTIN:
        heading = out.rindex(f"\n{r.family}  ", 0, out.index(r.code))
        assert heading == out.index(f"\n{r.family}  "), f"{r.code} 未列在 {r.family} 族下"
    assert out.rstrip().splitlines()[-1].startswith(f"共 {len(BUILTIN)} 条规则")


def test_lexicon_list_json() -> None:
    import json

    result = CliRunner().invoke(main, ["lexicon", "list", "--format", "json", "--select", "ME3"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rules"]
    assert rows and all(r["code"].startswith("ME3") for r in rows)
    assert {"code", "name", "title", "family", "severity", "provisions"} <= set(rows[0])
