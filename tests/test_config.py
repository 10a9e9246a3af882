"""Local configuration end to end: a district keeps its own lexicon folder (local company names and terms)
and a rule selection in fairreview.toml or [tool.fairreview] of pyproject.toml; the CLI run from that folder
obeys it, command-line options override it, and a bad configuration stops the run with exit 2 and a clear
message naming the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from district_rules import DISTRICT_RULE, DOCUMENT

import fairreview
from fairreview.cli import main
from fairreview.settings import ConfigError, Overrides, Settings, find_config, load_settings


def _district(root: Path, config: str, name: str = "fairreview.toml") -> Path:
    (root / "lexicons").mkdir()
    (root / "lexicons" / "yunxi.yaml").write_text(DISTRICT_RULE, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "办法.txt").write_text(DOCUMENT, encoding="utf-8")
    (root / name).write_text(config, encoding="utf-8")
    return root


def _scan(args: list[str]) -> tuple[int, dict, str]:
    result = CliRunner().invoke(main, ["scan", *args, "--format", "json"])
    data = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, data, result.stderr


def _rules(data: dict) -> set[str]:
    return {f["rule"] for d in data["documents"] for f in d["findings"]}


def test_fairreview_toml_selects_prefix_and_adds_district_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _district(tmp_path, 'select = ["YX"]\nextend-lexicons = ["lexicons"]\n')
    monkeypatch.chdir(root)
    code, data, err = _scan(["docs"])
    assert code == 1, err
    assert _rules(data) == {"YX001"}
    finding = data["documents"][0]["findings"][0]
    assert finding["location"].startswith("第二条") and "云溪城投" in finding["evidence"]


def test_without_select_builtin_and_district_rules_both_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _district(tmp_path, 'extend-lexicons = ["lexicons"]\n')
    monkeypatch.chdir(root)
    code, data, err = _scan(["docs"])
    assert code == 1, err
    assert {"YX001", "ME301"} <= _rules(data)


def test_command_line_select_overrides_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _district(tmp_path, 'select = ["YX"]\nextend-lexicons = ["lexicons"]\n')
    monkeypatch.chdir(root)
    code, data, err = _scan(["docs", "--select", "ME3"])
    assert code == 1, err
    rules = _rules(data)
    assert "ME301" in rules and "YX001" not in rules
    assert all(r.startswith("ME3") for r in rules)


def test_ignore_from_config_and_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _district(tmp_path, 'ignore = ["YX"]\nextend-lexicons = ["lexicons"]\n')
    monkeypatch.chdir(root)
    _, data, _ = _scan(["docs"])
    assert "YX001" not in _rules(data) and "ME301" in _rules(data)
    _, data, _ = _scan(["docs", "--ignore", "ME"])  # the command line replaces the config's ignore list
    assert "YX001" in _rules(data) and not any(r.startswith("ME") for r in _rules(data))


def test_pyproject_table_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """[tool.fairreview] in pyproject.toml is found from below; folders resolve against the config file."""
    root = _district(tmp_path, '[project]\nname = "x"\n\n[tool.fairreview]\nselect = ["YX"]\n'
                               'extend-lexicons = ["lexicons"]\n', name="pyproject.toml")
    monkeypatch.chdir(root / "docs")
    code, data, err = _scan(["办法.txt"])
    assert code == 1, err
    assert _rules(data) == {"YX001"}


def test_lexicon_list_and_test_use_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _district(tmp_path, 'select = ["YX"]\nextend-lexicons = ["lexicons"]\n')
    monkeypatch.chdir(root)
    runner = CliRunner()
    listed = runner.invoke(main, ["lexicon", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert [r["code"] for r in json.loads(listed.stdout)["rules"]] == ["YX001"]
    tested = runner.invoke(main, ["lexicon", "test", "lexicons", "--no-builtin"])
    assert tested.exit_code == 0, tested.output
    assert tested.stdout.strip().endswith("4 passed, 0 failed")


def test_lexicon_test_reports_each_failing_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _district(tmp_path, "")
    broken = DISTRICT_RULE.replace("- 云溪城投作为县属国有企业，依法参与市场竞争。",
                                   "- 县城区绿化养护统一由云溪城投承担。")
    (root / "lexicons" / "yunxi.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["lexicon", "test", "lexicons", "--no-builtin"])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "3 passed, 1 failed"
    assert any("YX001" in line and "县城区绿化养护统一由云溪城投承担" in line for line in lines[:-1])


def test_run_from_the_folder_as_a_user_would(tmp_path: Path) -> None:
    """A real process with its own working directory (no test-runner tricks)."""
    root = _district(tmp_path, 'select = ["YX"]\nextend-lexicons = ["lexicons"]\n')
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "fairreview", "scan", "docs", "--format", "json"], cwd=root,
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert _rules(json.loads(proc.stdout)) == {"YX001"}


BAD_CONFIGS = [
    pytest.param('selct = ["YX"]\n', "selct", id="unknown-key"),
    pytest.param('select = "YX"\n', "select", id="select-not-a-list"),
    pytest.param('select = ["Y X!"]\n', "Y X!", id="select-not-a-prefix"),
    pytest.param('extend-lexicons = ["no-such-folder"]\n', "no-such-folder", id="missing-lexicon-folder"),
    pytest.param('segmenter = "jieba"\n', "segmenter", id="bad-segmenter"),
    pytest.param('max-size = "10"\n', "max-size", id="max-size-not-a-number"),
    pytest.param('select = ["YX"\n', "fairreview.toml", id="toml-syntax-error"),
    pytest.param('exclude = ["草稿/", "[z-a]"]\n', "[z-a]", id="exclude-not-a-gitignore-pattern"),
]


@pytest.mark.parametrize(("config", "named"), BAD_CONFIGS)
def test_bad_config_exits_2_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str,
                                                 named: str) -> None:
    root = _district(tmp_path, config)
    monkeypatch.chdir(root)
    code, _, err = _scan(["docs"])
    assert code == 2
    assert "fairreview.toml" in err and named in err
    assert "Traceback" not in err


@pytest.mark.parametrize("pattern", ["!", "a\\", "[z-a]"])
def test_a_bad_exclude_pattern_on_the_command_line_exits_2_and_says_which(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         pattern: str) -> None:
    root = _district(tmp_path, "")
    monkeypatch.chdir(root)
    code, _, err = _scan(["docs", "--exclude", pattern])
    assert code == 2
    assert "--exclude" in err and "gitignore" in err and repr(pattern) in err
    assert "内部错误" not in err and "Traceback" not in err


def test_select_matching_no_rule_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in select would otherwise switch the whole review off and conclude every document 保留."""
    root = _district(tmp_path, 'select = ["ZZ"]\n')
    monkeypatch.chdir(root)
    code, _, err = _scan(["docs"])
    assert code == 2 and "ZZ" in err


def test_broken_district_lexicon_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _district(tmp_path, 'extend-lexicons = ["lexicons"]\n')
    (root / "lexicons" / "yunxi.yaml").write_text(DISTRICT_RULE.replace("severity: error", "severity: high"),
                                                  encoding="utf-8")
    monkeypatch.chdir(root)
    code, _, err = _scan(["docs"])
    assert code == 2
    assert "yunxi.yaml" in err and "YX001" in err and "severity" in err


def test_build_settings_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = 'select = ["YX"]\nextend-lexicons = ["lexicons"]\nsegmenter = "char"\nmax-size = 3\n'
    root = _district(tmp_path, config)
    monkeypatch.chdir(root)
    s = load_settings()
    assert s.select == ("YX",) and s.segmenter == "char" and s.max_bytes == 3 * 1024 * 1024
    assert s.lexicon_dirs == (str((root / "lexicons").resolve()),)
    s = load_settings(Overrides(select=("ME,FL",), segmenter="pkuseg", max_size_mb=5))
    assert s.select == ("ME", "FL") and s.segmenter == "pkuseg" and s.max_bytes == 5 * 1024 * 1024


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    assert find_config(tmp_path).path is None


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    sub = tmp_path / "a"
    sub.mkdir()
    assert find_config(sub).path is None


def test_config_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "fairreview.toml").write_text("db = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        find_config(tmp_path)
    assert str(tmp_path / "fairreview.toml") in str(info.value) and "db" in str(info.value)


def test_python_api_reads_the_same_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """scan_paths() and Engine() without settings build them as the command line does (configuration
    included), so both give the same report."""
    root = _district(tmp_path, 'select = ["YX"]\nextend-lexicons = ["lexicons"]\nmax-size = 3\n')
    monkeypatch.chdir(root)
    api = fairreview.scan_paths(["docs"]).to_dict()
    _, cli, _ = _scan(["docs", "--no-decisions", "--no-cache"])
    assert _rules(api) == {"YX001"}
    assert api["documents"] == cli["documents"] and api["lexicon_version"] == cli["lexicon_version"]
    engine = fairreview.Engine()
    assert engine.settings.select == ("YX",) and engine.settings.max_bytes == 3 * 1024 * 1024
    assert [r.code for r in engine.lexicon.rules] == ["YX001"]


def test_workspace_values_come_from_options_environment_and_config(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = _district(tmp_path, 'db = "记录/审查.db"\ncache-dir = "缓存"\nreviewer = "配置中的人"\n')
    monkeypatch.chdir(root)
    monkeypatch.delenv("FAIRREVIEW_REVIEWER", raising=False)
    ws = load_settings().workspace
    assert ws.db_path == root / "记录" / "审查.db" and ws.db_chosen
    assert ws.config == str(root / "fairreview.toml")
    # a configuration file found above the working folder never chooses the cache folder (issue 12)
    assert ws.cache_dir is None and ws.ignored_keys == ("cache-dir",)
    assert ws.reviewer_name() == "配置中的人"
    monkeypatch.setenv("FAIRREVIEW_REVIEWER", "环境中的人")
    assert load_settings().workspace.reviewer_name() == "环境中的人"
    given = load_settings(Overrides(db="x.db", reviewer="选项中的人", cache_dir="c")).workspace
    # a database given on the command line is the file the user named, from the folder they are in
    assert (given.db_path, given.reviewer_name(), given.cache_dir) == (root / "x.db", "选项中的人", "c")
    assert Settings() == Settings(workspace=ws)  # the workspace never changes what a result depends on
    assert "workspace" not in Settings(workspace=ws).to_dict()
