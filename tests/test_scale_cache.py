"""The result cache: exact round trip, what invalidates what, as_of, and a cache that cannot be used."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from fairreview import Settings, scan_paths
from fairreview.batch import Runner
from fairreview.cache import CACHE_FILE
from fairreview.model import DocumentResult, FinalVerdict
from fairreview.pipeline import Engine
from fairreview.report.render import render_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# A rule of our own in an extra lexicon folder, so the test can edit it without touching the built-in ones.
RULE = """\
family: ZT
title: 测试
rules:
  - code: ZT001
    name: test-local-bidders
    title: 限定本地企业参加投标（测试规则）
    provisions: [FCR-9-1]
    severity: warning
    message: {message}
    suggestion: 删除对投标人所在地的限定。
    pattern:
      any: [本地注册的企业]
    examples:
      violation: [{example}]
      compliant: [各类企业平等参加投标。]
"""


def _lexicon(folder: Path, message: str = "限定投标人所在地。", example: str = "仅限本地注册的企业投标。") -> None:
    folder.mkdir(exist_ok=True)
    (folder / "zt.yaml").write_text(RULE.format(message=message, example=example), encoding="utf-8")


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    for src in sorted((FIXTURES / "policies").glob("*.txt")):
        shutil.copy(src, root / src.name)
    (root / "采购办法.txt").write_text(
        "某县政府采购管理办法\n第一条 为规范采购，制定本办法。\n第二条 本县政府采购项目限定本地注册的企业参加投标。\n",
        encoding="utf-8")
    (root / "期限办法.txt").write_text(
        "某县扶持措施\n第一条 对新设企业给予补助。\n第二条 本措施自2024年1月1日起施行，有效期至2025年12月31日。\n",
        encoding="utf-8")
    return root


def _scan(docs: Path, cache: Path | None, **settings: Any) -> tuple[dict[str, Any], Runner, tuple[int, int]]:
    """The JSON report, the (closed) runner and the cache's (hits, misses)."""
    runner = Runner(Settings(**settings), cache_dir=cache)
    store = runner.store
    assert store is not None
    with runner:
        report = runner.scan([str(docs)], jobs=1)
    return json.loads(render_json(report)), runner, (store.hits, store.misses)


def test_document_result_round_trips_exactly(engine: Engine) -> None:
    formats = FIXTURES / "formats"
    report = scan_paths([str(FIXTURES / "policies"), str(formats / "notice.docx"), str(formats / "notice.html"),
                         str(formats / "bad" / "encrypted.docx")], engine=engine)
    assert any(d.findings for d in report.documents) and any(d.error for d in report.documents)
    for doc in report.documents:
        # what the review step adds later must survive too
        doc.review.final = FinalVerdict("retain", "已核", "amend", "甲", "2026-11-27T10:00:00+08:00", False, [])
        data = json.loads(json.dumps(doc.to_record(), ensure_ascii=False))
        again = DocumentResult.from_record(data)
        assert again.to_dict() == doc.to_dict()
        assert again == doc


def test_a_full_rescan_builds_no_engine_and_reads_no_rules(docs: Path, tmp_path: Path) -> None:
    cold, _, (hits, _) = _scan(docs, tmp_path / "c", as_of="2026-11-27")
    assert hits == 0
    warm, runner, (hits, misses) = _scan(docs, tmp_path / "c", as_of="2026-11-27")
    assert warm == cold and misses == 0 and hits == len(warm["documents"])
    assert runner._engine is None and runner._base is None and runner._lexicon is None


def test_a_changed_file_is_scanned_again(docs: Path, tmp_path: Path) -> None:
    _scan(docs, tmp_path / "c", as_of="2026-11-27")
    target = docs / "采购办法.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("限定本地注册的企业参加投标", "公开招标"),
                      encoding="utf-8")
    runner = Runner(Settings(as_of="2026-11-27"), cache_dir=tmp_path / "c")
    with runner:
        assert runner.store is not None
        store = runner.store
        warm = json.loads(render_json(runner.scan([str(docs)], jobs=1)))
    assert store.misses == 1
    assert warm == json.loads(render_json(scan_paths([str(docs)], Settings(as_of="2026-11-27"))))


def test_a_new_review_date_is_never_served_an_old_result(docs: Path, tmp_path: Path) -> None:
    before, _, _ = _scan(docs, tmp_path / "c", as_of="2025-06-01")
    after, _, (hits, misses) = _scan(docs, tmp_path / "c", as_of="2026-06-01")
    assert after == json.loads(render_json(scan_paths([str(docs)], Settings(as_of="2026-06-01"))))
    assert hits == 0 and misses == len(after["documents"])
    verdict = {Path(d["path"]).name: d["verdict"] for d in after["documents"]}
    assert verdict["期限办法.txt"] == "expired"
    assert {Path(d["path"]).name: d["verdict"] for d in before["documents"]}["期限办法.txt"] != "expired"
    # the old date again: its results were replaced, not kept beside the new ones (the cache does not grow)
    _, _, (hits, _) = _scan(docs, tmp_path / "c", as_of="2025-06-01")
    assert hits == 0


def test_lexicon_edits_invalidate_exactly_the_results_they_change(docs: Path, tmp_path: Path) -> None:
    lex = tmp_path / "lex"
    _lexicon(lex)
    cache = tmp_path / "c"

    def run(**extra: object) -> tuple[dict, tuple[int, int]]:
        report, _, stats = _scan(docs, cache, as_of="2026-11-27", lexicon_dirs=(str(lex),), **extra)
        return report, stats

    first, _ = run()
    n = len(first["documents"])
    assert any(f["rule"] == "ZT001" for d in first["documents"] for f in d["findings"])
    run(ignore=("ZT",))
    # an example sentence does not reach any result: every result stays cached (the version label moves)
    _lexicon(lex, example="只允许本地注册的企业报名投标。")
    again, stats = run()
    assert stats == (n, 0)
    assert again["documents"] == first["documents"] and again["lexicon_version"] != first["lexicon_version"]
    # a message does: every result of that selection is computed again, and shows the new message
    _lexicon(lex, message="限定投标人的注册地。")
    changed, stats = run()
    assert stats == (0, n)
    assert {f["message"] for d in changed["documents"] for f in d["findings"] if f["rule"] == "ZT001"} == {
        "限定投标人的注册地。"}
    # a scan that ignores the rule is not affected by its edits
    _, stats = run(ignore=("ZT",))
    assert stats == (n, 0)


def test_a_cache_inside_the_scanned_folder_is_not_used(docs: Path) -> None:
    messages: list[str] = []
    runner = Runner(Settings(as_of="2026-11-27"), cache_dir=docs / "cache", warn=messages.append)
    with runner:
        report = runner.scan([str(docs)], jobs=1)
    assert any("位于被排查的文件夹内" in m for m in messages)
    assert not any(Path(d.path).relative_to(docs).parts[0] == "cache" for d in report.documents)
    assert not (docs / "cache").exists()


def test_a_broken_cache_file_warns_and_the_scan_goes_on(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    messages: list[str] = []
    runner = Runner(Settings(as_of="2026-11-27"), cache_dir=cache, warn=messages.append)
    with runner:
        report = runner.scan([str(docs)], jobs=1)
    assert messages and "本次不使用缓存" in messages[0]
    assert json.loads(render_json(report)) == json.loads(
        render_json(scan_paths([str(docs)], Settings(as_of="2026-11-27"))))


def _cache_files(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(cache.iterdir()) if p.name.startswith(CACHE_FILE)}


def test_a_re_scan_served_from_the_cache_leaves_its_file_untouched(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _scan(docs, cache)
    before = _cache_files(cache)
    _, _, (hits, misses) = _scan(docs, cache)
    assert misses == 0 and hits > 0
    assert _cache_files(cache) == before  # the run's time is recent: nothing is written, no log is folded back


def test_results_of_a_run_unused_for_a_month_are_dropped_by_the_next_run(docs: Path, tmp_path: Path) -> None:
    import sqlite3

    from fairreview.cache import MAX_AGE_DAYS

    cache, extra = tmp_path / "cache", tmp_path / "rules"
    _lexicon(extra)
    _scan(docs, cache, lexicon_dirs=(str(extra),))
    with sqlite3.connect(cache / CACHE_FILE) as db:
        (old_key, count), = db.execute("SELECT run_key, COUNT(*) FROM results GROUP BY run_key").fetchall()
        assert count == len(list(docs.iterdir()))
        db.execute("UPDATE runs SET used = used - ? WHERE run_key = ?", ((MAX_AGE_DAYS + 1) * 86400, old_key))
    db.close()
    _scan(docs, cache)  # other rules: another run, which writes its own time and prunes
    with sqlite3.connect(cache / CACHE_FILE) as db:
        keys = {k for (k,) in db.execute("SELECT DISTINCT run_key FROM results")}
    db.close()
    assert old_key not in keys and len(keys) == 1


def test_a_run_time_from_a_clock_that_was_ahead_is_written_again(docs: Path, tmp_path: Path) -> None:
    import sqlite3
    import time

    cache = tmp_path / "cache"
    _scan(docs, cache)
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute("UPDATE runs SET used = ?", (time.time() + 10 * 86400,))  # the clock was ten days ahead
    db.close()
    _scan(docs, cache)
    with sqlite3.connect(cache / CACHE_FILE) as db:
        used = [u for (u,) in db.execute("SELECT used FROM runs")]
    db.close()
    assert used and all(u <= time.time() for u in used)  # so the run is pruned 30 days after its real last use
