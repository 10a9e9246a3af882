"""What a run loads: the segmentation model only where a sentence needs word boundaries, nothing of the
library for ``--version``, and the parsed rules from the cache only when the cache row is genuine and
current (a tampered or stale row is rebuilt, and the rules are those the YAML gives)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fairreview import Settings
from fairreview.batch import Runner
from fairreview.cache import CACHE_FILE, ResultCache, lexicon_key
from fairreview.match.lexicon import load
from fairreview.match.prefilter import plan_needs
from fairreview.match.segmenter import shipped_model_available

DOCS = {
    "采购.txt": "第一条 本县政府采购项目仅限本县注册的企业参加投标。\n第二条 对新落户企业给予一次性奖励。\n",
    "平等.txt": "第一条 各类经营主体依法平等参与政府采购活动。\n第二条 本办法自2025年1月1日起施行。\n",
}


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text * 3, encoding="utf-8")
    return folder


def _python(code: str, cwd: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=cwd,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_scan_that_needs_no_word_boundaries_never_imports_the_segmenter(tmp_path: Path, jobs: int) -> None:
    assert not any(p.word for r in load().rules for p in r.patterns)  # no built-in rule asks for them
    folder = _folder(tmp_path)
    for i in range(20):  # enough documents for a pool of workers at --jobs 2
        (folder / f"副本{i}.txt").write_text(DOCS["采购.txt"] * 2, encoding="utf-8")
    got = _python(f"""
        import json, sys
        from fairreview import Settings
        from fairreview.batch import Runner
        runner = Runner(Settings(as_of="2026-01-01", segmenter="pkuseg" if {shipped_model_available()} else "auto"))
        report = runner.scan([{str(folder)!r}], jobs={jobs})
        flagged = sum(bool(d.findings) for d in report.documents)
        print(json.dumps({{"flagged": flagged, "segmenter": report.segmenter,
                          "imported": "spacy_pkuseg" in sys.modules,
                          "loaded": runner.engine.matcher._segmenter is not None}}))
    """, tmp_path)
    assert got["flagged"] >= 20  # the rules ran on the documents
    assert not got["imported"] and not got["loaded"]


@pytest.mark.skipif(not shipped_model_available(), reason="the shipped pkuseg model is not installed")
def test_a_rule_that_needs_word_boundaries_loads_the_segmenter_where_it_matches(tmp_path: Path) -> None:
    lexicons = tmp_path / "lex"
    lexicons.mkdir()
    (lexicons / "word.yaml").write_text(textwrap.dedent("""
        family: TW
        title: 分词测试
        rules:
          - code: TW001
            name: word-test
            title: 分词测试
            provisions: [FCR-8-1]
            severity: warning
            message: 测试。
            suggestion: 测试。
            patterns:
              - frame: "限定 ..4 本县企业"
                word: true
            examples:
              violation: [采购项目限定本县企业参加。]
              compliant: [各类企业平等参加。]
    """), encoding="utf-8")
    folder = _folder(tmp_path)
    (folder / "限定.txt").write_text("第一条 采购项目限定本县企业参加投标。\n", encoding="utf-8")
    loads = tmp_path / "loads.txt"  # the pid of every process that loads the model
    got = _python(f"""
        import json, os, sys
        from fairreview import Settings
        from fairreview.batch import Runner
        from fairreview.match import segmenter

        original = segmenter._load_pkuseg
        def logged(path):
            with open({str(loads)!r}, "a") as fh:
                fh.write(f"{{os.getpid()}}\\n")
            return original(path)
        segmenter._load_pkuseg = logged  # the forked workers inherit it

        runner = Runner(Settings(as_of="2026-01-01", segmenter="pkuseg", lexicon_dirs=({str(lexicons)!r},),
                                 select=("TW",)))
        report = runner.scan([{str(folder)!r}], jobs=1)
        flagged = [d.path for d in report.documents if d.findings]
        print(json.dumps({{"pid": os.getpid(), "here": "spacy_pkuseg" in sys.modules, "flagged": flagged}}))
    """, tmp_path)
    pids = [int(line) for line in loads.read_text().split()]
    # the document that needs word boundaries is flagged; the model was loaded once, in the worker that had it
    assert got["flagged"] == [str(folder / "限定.txt")]
    assert len(pids) == 1 and pids[0] != got["pid"] and not got["here"]


def test_version_loads_nothing_of_the_library(tmp_path: Path) -> None:
    got = _python("""
        import json, sys
        from fairreview.cli import main
        try:
            main(["--version"])
        except SystemExit:
            pass
        heavy = ("fairreview.pipeline", "fairreview.match", "fairreview.read", "yaml", "tabulate", "rapidfuzz")
        print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
    """, tmp_path)
    assert got == []


def test_a_rescan_served_from_the_cache_loads_no_rules_reader_or_engine(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    code = f"""
        import json, sys
        from fairreview.cli import main
        try:
            main(["scan", {str(folder)!r}, "--cache-dir", {str(tmp_path / "c")!r}, "-q", "--format", "json",
                  "-o", {str(tmp_path / "out.json")!r}])
        except SystemExit:
            pass
        heavy = ("fairreview.pipeline", "fairreview.match.matcher", "fairreview.match.lexicon",
                 "fairreview.read.registry", "fairreview.structure.parse", "multiprocessing.pool", "yaml")
        print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
    """
    first = _python(code, tmp_path)  # analyses both documents, so it loads all of it
    assert "fairreview.pipeline" in first and "fairreview.read.registry" in first
    assert _python(code, tmp_path) == []  # every result cached: none of it
    assert len(json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["documents"]) == len(DOCS)


# -- the parsed rules in the cache -----------------------------------------------------------------------
def _lexicon_rows(cache: Path) -> list[tuple[str, bytes]]:
    with sqlite3.connect(cache / CACHE_FILE) as db:
        return list(db.execute("SELECT key, data FROM lexicons"))


def test_a_tampered_lexicon_row_is_rejected_and_rebuilt_from_the_yaml(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    settings = Settings(as_of="2026-01-01")
    with Runner(settings, cache_dir=cache) as runner:
        first = runner.lexicon
    [(key, data)] = _lexicon_rows(cache)
    assert key == lexicon_key(settings)
    # a rule's message edited in place, the seal left as it was
    tampered = data.replace("不得".encode(), "可以".encode())
    assert tampered != data
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute("UPDATE lexicons SET data = ? WHERE key = ?", (tampered, key))
    with Runner(settings, cache_dir=cache) as runner:
        again = runner.lexicon
        store = runner.store
        assert store is not None and store.rejected == 1
    expected = plan_needs(load())  # the rules as the YAML gives them, with each pattern's needs worked out
    assert again == first == expected
    [(_, rebuilt)] = _lexicon_rows(cache)
    assert rebuilt == data  # written again, whole
    store2 = ResultCache(cache)
    try:
        assert store2.get_lexicon(key) == expected
    finally:
        store2.close()


def test_an_edited_lexicon_file_is_never_served_from_the_cache(tmp_path: Path) -> None:
    lexicons = tmp_path / "lex"
    lexicons.mkdir()
    rule = textwrap.dedent("""
        family: TX
        title: 测试
        rules:
          - code: TX001
            name: cache-test
            title: 缓存测试
            provisions: [FCR-8-1]
            severity: warning
            message: {message}
            suggestion: 测试。
            patterns:
              - frame: "仅限 ..4 本地企业"
            examples:
              violation: [仅限本地企业参加。]
              compliant: [各类企业平等参加。]
    """)
    (lexicons / "tx.yaml").write_text(rule.format(message="第一版。"), encoding="utf-8")
    cache = tmp_path / "cache"
    settings = Settings(as_of="2026-01-01", lexicon_dirs=(str(lexicons),))
    with Runner(settings, cache_dir=cache) as runner:
        assert runner.lexicon.by_code()["TX001"].message == "第一版。"
    (lexicons / "tx.yaml").write_text(rule.format(message="第二版。"), encoding="utf-8")
    with Runner(settings, cache_dir=cache) as runner:
        assert runner.lexicon.by_code()["TX001"].message == "第二版。"
    assert len(_lexicon_rows(cache)) == 2  # one row per content: the stale one is never read for the new files


def test_a_scan_without_cache_fingerprints_no_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint of the rules keys cached results: with --no-cache nothing needs it (it was 50 ms of the
    parent's serial start, before any worker could begin)."""
    from click.testing import CliRunner

    from fairreview.batch import runner
    from fairreview.cli import main

    def refuse(*_: object) -> None:
        raise AssertionError("the rules were fingerprinted for a scan that caches nothing")

    monkeypatch.setattr(runner, "summarize", refuse)
    folder = _folder(tmp_path)
    res = CliRunner().invoke(main, ["scan", str(folder), "--no-cache", "--select", "ME,TP", "--format", "json"])
    assert res.exit_code == 1, res.output  # findings: the selection was checked against the rules' codes
    assert {f["rule"][:2] for d in json.loads(res.stdout)["documents"] for f in d["findings"]} <= {"ME", "TP"}
    res = CliRunner().invoke(main, ["scan", str(folder), "--no-cache", "--select", "ZZ9"])
    assert res.exit_code == 2 and "ZZ9" in res.output  # an unknown code is still refused
