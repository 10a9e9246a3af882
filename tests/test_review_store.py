"""The decisions database: migrations by PRAGMA user_version, rollback journal, append-only history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fairreview.review.fingerprint import identity
from fairreview.review.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    BaselineEntry,
    Store,
    StoreError,
)

TEXT = (
    "某县关于加强农贸市场管理的通知\n一、各农贸市场应当建立进货查验制度。\n二、市场开办者落实食品安全责任。\n"
)


def new_doc(store: Store, text: str = TEXT, sha: str = "a" * 64) -> int:
    return store.register(identity(sha, text.split("\n")[0], None, text), path="/x/a.txt", fmt="txt")


def test_fresh_database_is_current_ours_and_journals_into_the_main_file(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "review.db"
    with Store.open(db) as store:
        assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.is_file()
    assert sorted(p.name for p in db.parent.iterdir()) == ["review.db"]  # no temporary file left


def test_missing_database_is_an_error_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="不存在"):
        Store.open(tmp_path / "none.db", create=False)


def test_upgrade_from_version_1_keeps_decisions(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO documents (title, created_at) VALUES ('旧文件', '2025-01-01T00:00:00+08:00')")
    conn.execute(
        "INSERT INTO decisions (document_id, rule, sentence_fp, kind, reviewer, decided_at)"
        " VALUES (1, 'ME301', 'fp', 'dismissed', '王五', '2025-01-01T00:00:00+08:00')"
    )
    conn.commit()
    conn.close()
    with Store.open(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [d.reviewer for d in store.all_decisions()] == ["王五"]
        assert store.has_baseline() is False  # the table of migration 2 exists


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    Store.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="升级 fairreview"):
        Store.open(db)


def test_decisions_supersede_and_history_is_kept(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        doc = new_doc(store)
        first = store.decide(doc, "ME301", "fp1", "confirmed", "张三")
        second = store.decide(doc, "ME301", "fp1", "dismissed", "李四", reason="实为公开招标")
        assert second.supersedes == first.id
        assert store.latest(doc, "ME301", "fp1") == second
        assert [d.kind for d in store.history(doc, "ME301", "fp1")] == ["confirmed", "dismissed"]
        assert store.latest_decisions(doc)[("ME301", "fp1")].reviewer == "李四"
        assert first.decided_at and first.reviewer == "张三"


def test_decisions_cannot_be_changed_or_deleted(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        doc = new_doc(store)
        store.decide(doc, "ME301", "fp1", "confirmed", "张三")
        store.conclude(doc, "repeal", "主要内容违法", "张三")
        for sql in ("DELETE FROM decisions", "UPDATE decisions SET kind = 'x'", "DELETE FROM conclusions"):
            with pytest.raises(sqlite3.IntegrityError, match="只可追加"):
                store.conn.execute(sql)
        assert len(store.all_decisions()) == 1


def test_exception_needs_reason_and_deadline(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        doc = new_doc(store)
        with pytest.raises(ValueError, match="理由"):
            store.decide(doc, "CO201", "fp", "exception", "张三", reason=" ", deadline="2027-01-01")
        with pytest.raises(ValueError, match="实施期限"):
            store.decide(doc, "CO201", "fp", "exception", "张三", reason="救灾")
        with pytest.raises(ValueError):
            store.decide(doc, "CO201", "fp", "exception", "张三", reason="救灾", deadline="明年")
        with pytest.raises(sqlite3.IntegrityError):  # the database itself refuses it too
            store.conn.execute(
                "INSERT INTO decisions (document_id, rule, sentence_fp, kind, reviewer, decided_at)"
                " VALUES (?, 'CO201', 'fp', 'exception', 'x', 'now')",
                (doc,),
            )
        d = store.decide(doc, "CO201", "fp", "exception", "张三", reason="救灾储备", deadline="2027-01-01")
        assert d.deadline == "2027-01-01"


def test_conclusions_and_notes(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        doc = new_doc(store)
        assert store.latest_conclusion(doc) is None
        c1 = store.conclude(
            doc, "amend", "改第二条", "张三", recommended="repeal", known_findings=[("ME301", "fp")]
        )
        c2 = store.conclude(doc, "repeal", "整体违法", "李四", recommended="repeal")
        assert c2.supersedes == c1.id and store.latest_conclusion(doc) == c2
        assert c1.known() == {("ME301", "fp")}
        with pytest.raises(ValueError):
            store.conclude(doc, "repeal", "  ", "李四")
        store.add_note(doc, "ME301", "fp", "请法制科复核", "张三")
        assert [n.text for n in store.notes(doc)[("ME301", "fp")]] == ["请法制科复核"]


def test_register_resolves_the_same_document(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        a = new_doc(store)
        assert new_doc(store) == a  # same bytes
        assert new_doc(store, TEXT.replace("\n", "\n\n"), sha="b" * 64) == a  # same title and text
        other = "某市关于开展消防安全大检查的通知\n一、全面排查消防隐患。\n二、落实整改责任。\n"
        assert new_doc(store, other, sha="c" * 64) != a
        assert store.document_count() == 2


def test_baseline_records_and_prunes(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        doc = new_doc(store)
        assert store.record_baseline(doc, [BaselineEntry("A", "1"), BaselineEntry("B", "2")]) == (2, 0, 0)
        assert store.record_baseline(doc, [BaselineEntry("A", "1"), BaselineEntry("C", "3")]) == (1, 1, 1)
        assert store.baseline_keys(doc) == {("A", "1"), ("C", "3")}


def test_a_second_connection_sees_committed_decisions_at_once(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    writer = Store.open(db)
    doc = new_doc(writer)
    writer.decide(doc, "ME301", "fp", "dismissed", "张三")
    reader = Store.open(db, create=False)  # no close, no checkpoint: committed rows are visible
    assert reader.latest(doc, "ME301", "fp") is not None
    reader.close()
    writer.close()
