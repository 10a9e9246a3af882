"""Settings and records are anchored to the documents, not to the shell: the configuration is found from the
scanned paths (the nearest fairreview.toml at or above each file's folder), the review database beside it,
and `fairreview scan DOCS` from anywhere equals `fairreview scan .` inside DOCS, decisions included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from district_rules import DISTRICT_RULE, DOCUMENT

import fairreview
from fairreview.cli import main
from fairreview.settings import ConfigError, Overrides, default_database, find_config, load_settings

AS_OF = "2026-11-27"


def _cli(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "fairreview", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=300, input=stdin)


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """A document folder as a clerk keeps it: fairreview.toml with a local lexicon, the documents."""
    root = tmp_path / "云溪县" / "规范性文件"
    (root / "词库").mkdir(parents=True)
    (root / "词库" / "yunxi.yaml").write_text(DISTRICT_RULE, encoding="utf-8")
    (root / "fairreview.toml").write_text('extend-lexicons = ["词库"]\nreviewer = "王五"\n', encoding="utf-8")
    (root / "2024").mkdir()
    (root / "2024" / "办法.txt").write_text(DOCUMENT, encoding="utf-8")
    (root / "2024" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0 thumbnails")
    return root


def _absolute(report: dict[str, Any], cwd: Path) -> dict[str, Any]:
    """The report with each document's path resolved (one run names them from its own folder)."""
    for d in report["documents"]:
        d["path"] = str((cwd / d["path"]).resolve())
    return report


def test_scan_from_anywhere_equals_scan_inside(district: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    # a decision recorded from inside the folder (the clerk's usual place) …
    inside = _cli(district, "decide", "2024/办法.txt", "--conclusion", "废止", "--reason", "主要内容排斥竞争",
                  "--as-of", AS_OF)
    assert inside.returncode == 0, inside.stderr
    assert (district / ".fairreview" / "review.db").is_file()  # beside the configuration, not the shell
    far = _cli(elsewhere, "scan", str(district), "--format", "json", "--as-of", AS_OF)
    near = _cli(district, "scan", ".", "--format", "json", "--as-of", AS_OF)
    assert far.returncode == near.returncode == 1, far.stderr + near.stderr
    a, b = _absolute(json.loads(far.stdout), elsewhere), _absolute(json.loads(near.stdout), district)
    assert a == b
    (doc,) = a["documents"]  # Thumbs.db is not a document
    assert doc["final_verdict"]["verdict"] == "repeal" and doc["final_verdict"]["reviewer"] == "王五"
    assert "YX001" in {f["rule"] for f in doc["findings"]}  # the local lexicon, from either folder
    # … and both runs say which configuration and which database they used, the same ones
    said = [[ln for ln in p.stderr.splitlines() if ln.startswith("配置：")] for p in (far, near)]
    assert said[0] == said[1] and len(said[0]) == 1
    assert str(district / "fairreview.toml") in said[0][0]
    assert str(district / ".fairreview" / "review.db") in said[0][0]


def test_python_api_finds_the_configuration_from_the_paths(district: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = fairreview.scan_paths([str(district)])
    assert "YX001" in {f.rule for d in report.documents for f in d.findings}
    settings = load_settings(paths=[str(district / "2024" / "办法.txt")])
    assert settings.workspace.config == str(district / "fairreview.toml")
    assert settings.workspace.db_path == district / ".fairreview" / "review.db"


def test_one_scan_one_configuration(district: Path, tmp_path: Path) -> None:
    """A folder inside the scan with its own configuration: the scan stops (exit 2) instead of applying the
    outer configuration to files that, scanned on their own, would get the inner one."""
    sub = district / "乡镇"
    sub.mkdir()
    (sub / "fairreview.toml").write_text('select = ["ME"]\n', encoding="utf-8")
    (sub / "通知.txt").write_text(DOCUMENT, encoding="utf-8")
    proc = _cli(tmp_path, "scan", str(district), "--format", "json")
    assert proc.returncode == 2 and str(sub / "fairreview.toml") in proc.stderr and "--config" in proc.stderr
    with pytest.raises(ConfigError):
        find_config([district / "2024", sub])
    # --config chooses one for all; --isolated uses none (only the built-in rules)
    given = _cli(tmp_path, "scan", str(district), "--format", "json", "--config", str(district / "fairreview.toml"))
    assert given.returncode == 1, given.stderr
    assert {d["path"].endswith("通知.txt") for d in json.loads(given.stdout)["documents"]} == {True, False}
    alone = _cli(tmp_path, "scan", str(district), "--format", "json", "--isolated")
    rules = {f["rule"] for d in json.loads(alone.stdout)["documents"] for f in d["findings"]}
    assert "YX001" not in rules and rules
    assert "不使用（--isolated）" in alone.stderr


def test_config_option_errors(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(DOCUMENT, encoding="utf-8")
    for config, said in ((tmp_path / "pyproject.toml", "[tool.fairreview]"), (tmp_path / "nope.toml", "不存在")):
        res = CliRunner().invoke(main, ["scan", str(tmp_path / "a.txt"), "--config", str(config)])
        assert res.exit_code == 2 and said in res.stderr


def test_database_without_a_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No fairreview.toml: an existing .fairreview/review.db above the documents, else the user's own."""
    docs = tmp_path / "公文" / "2020"
    docs.mkdir(parents=True)
    user = Path(os.environ["FAIRREVIEW_DATA_DIR"])
    monkeypatch.chdir(tmp_path)
    assert default_database([str(docs)]) == user / "review.db"
    (tmp_path / "公文" / ".fairreview").mkdir()
    (tmp_path / "公文" / ".fairreview" / "review.db").write_bytes(b"")
    assert default_database([str(docs)]) == tmp_path / "公文" / ".fairreview" / "review.db"
    # the database given on the command line wins
    assert load_settings(Overrides(db="my.db"), paths=[str(docs)]).workspace.db_path == tmp_path / "my.db"


def test_default_excludes_and_exclude_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    for rel in ("a.txt", "草稿/b.txt", "__MACOSX/._a.txt", "__MACOSX/a.txt", "sub/desktop.ini", "THUMBS.DB",
                "~$a.docx", ".~lock.a.docx#", ".git/x.txt", "old/c.txt"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(DOCUMENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def scanned(*extra: str) -> set[str]:
        res = CliRunner().invoke(main, ["scan", "docs", "--format", "json", *extra])
        assert res.exit_code in (0, 1), res.stderr
        return {Path(d["path"]).relative_to("docs").as_posix() for d in json.loads(res.stdout)["documents"]}

    assert scanned() == {"a.txt", "草稿/b.txt", "old/c.txt"}
    assert scanned("--exclude", "草稿/", "--exclude", "/old") == {"a.txt"}
    (tmp_path / "fairreview.toml").write_text('exclude = ["docs/old/"]\n', encoding="utf-8")  # config-relative
    assert scanned() == {"a.txt", "草稿/b.txt"}
    named = CliRunner().invoke(main, ["scan", "docs/THUMBS.DB", "--format", "json"])  # named: always scanned
    assert [d["verdict"] for d in json.loads(named.stdout)["documents"]] == ["error"]


def test_empty_selection_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    res = CliRunner().invoke(main, ["scan", str(tmp_path)])
    assert res.exit_code == 2 and "未找到可审查的文件" in res.stderr


def test_standard_input(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "scan", "-", "--format", "json", "--as-of", AS_OF, stdin=DOCUMENT)
    assert proc.returncode == 1, proc.stderr
    (doc,) = json.loads(proc.stdout)["documents"]
    assert doc["path"] == "<stdin>" and "ME301" in {f["rule"] for f in doc["findings"]}


def test_quiet_exit_zero_and_version(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DOCUMENT, encoding="utf-8")
    quiet = _cli(tmp_path, "scan", "a.txt", "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (1, "", "")
    assert _cli(tmp_path, "scan", "a.txt", "-q", "--exit-zero").returncode == 0
    assert _cli(tmp_path, "scan", "nope.txt", "-q", "--exit-zero").returncode == 2  # a failure stays 2
    assert CliRunner().invoke(main, ["-V"]).stdout.strip() == f"fairreview {fairreview.__version__}"


def test_a_database_in_the_shells_folder_is_named_when_not_used(district: Path, tmp_path: Path) -> None:
    """Earlier versions kept the database in the folder the command ran in: never silently ignored."""
    (tmp_path / ".fairreview").mkdir()
    (tmp_path / ".fairreview" / "review.db").write_bytes(b"")
    proc = _cli(tmp_path, "scan", str(district), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert "当前文件夹中的 .fairreview/review.db 未使用" in proc.stderr and "--db" in proc.stderr
