"""The review database is never silently replaced, and what was recorded survives kill -9 and concurrent opens.

Real SQLite files and real processes: a file that is not ours is refused byte for byte unchanged, four
first opens at once all succeed, and a copy of review.db alone taken after SIGKILL holds every decision.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from fairreview.review import store as store_module
from fairreview.review.fingerprint import identity
from fairreview.review.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, Store, StoreError, Where

TEXT = "某县关于加强农贸市场管理的通知\n一、各农贸市场应当建立进货查验制度。\n二、市场开办者落实食品安全责任。\n"
ROOT = Path(__file__).resolve().parent.parent


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def register(store: Store, n: int = 0) -> int:
    return store.register(identity(f"{n:064x}", "某县关于加强农贸市场管理的通知", None, TEXT), path=f"/docs/{n}.txt")


def filled(path: Path, decisions: int = 40) -> Path:
    """A real database with enough rows to span several pages."""
    with Store.open(path) as store:
        doc = register(store)
        for i in range(decisions):
            store.decide(doc, "ME301", f"fp{i}", "dismissed", "张三", reason="引用上位法原文" * 20,
                         where=Where(sentence="第二条 " + "全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。" * 5))
    return path


def assert_refused(path: Path, *words: str) -> str:
    before, listing = sha(path), folder(path)
    with pytest.raises(StoreError) as info:
        Store.open(path)
    message = str(info.value)
    assert str(path) in message
    for w in words:
        assert w in message, message
    assert sha(path) == before, "the file was modified"
    assert folder(path) == listing, "files were added beside it"
    with pytest.raises(StoreError):
        Store.open(path, create=False)
    assert sha(path) == before
    return message


# -- files that are not ours ------------------------------------------------------------------------------
def test_zero_byte_file_is_refused_not_initialised(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    db.touch()
    assert_refused(db, "0 字节", "未作任何改动")
    assert db.stat().st_size == 0


def test_text_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    db.write_text("这是一份会议记录，不是数据库。\n" * 50, encoding="utf-8")
    assert_refused(db, "不是 SQLite 数据库")


def test_other_applications_sqlite_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE users (id INTEGER, name TEXT); INSERT INTO users VALUES (1, '李四');")
    conn.close()
    assert_refused(db, "不是 fairreview 复核数据库", "users")


def test_sqlite_file_with_another_application_id_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    conn = sqlite3.connect(db)
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1; PRAGMA application_id = 1234;")
    conn.close()
    assert_refused(db, "其他应用程序")


def test_schema_less_sqlite_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE t (x); DROP TABLE t;")
    conn.close()
    assert db.read_bytes().startswith(b"SQLite format 3")
    assert_refused(db, "没有任何数据表")


def test_foreign_wal_database_is_not_checkpointed(tmp_path: Path) -> None:
    """Reading another application's WAL database must not fold its -wal file into it."""
    src = tmp_path / "src"
    src.mkdir()
    conn = sqlite3.connect(src / "review.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE orders (id INTEGER)")
    conn.execute("INSERT INTO orders VALUES (1)")
    db = tmp_path / "review.db"  # copied while open: the rows are only in the -wal file, as after a crash
    shutil.copy(src / "review.db", db)
    shutil.copy(src / "review.db-wal", tmp_path / "review.db-wal")
    conn.close()
    wal_before = sha(tmp_path / "review.db-wal")
    before = sha(db)
    with pytest.raises(StoreError, match="orders"):
        Store.open(db)
    assert sha(db) == before and sha(tmp_path / "review.db-wal") == wal_before


# -- damaged files -----------------------------------------------------------------------------------------
def zero_page(path: Path, page: int) -> None:
    size = 4096
    data = bytearray(path.read_bytes())
    assert len(data) >= page * size, "the database is smaller than expected"
    data[(page - 1) * size : page * size] = bytes(size)
    path.write_bytes(bytes(data))


def test_zeroed_first_page_is_reported_as_damage(tmp_path: Path) -> None:
    db = filled(tmp_path / "review.db")
    zero_page(db, 1)
    assert_refused(db, "已损坏", "文件头全为零")


@pytest.mark.parametrize("page", [2, 3, 5])
def test_zeroed_inner_page_is_reported_as_damage(tmp_path: Path, page: int) -> None:
    db = filled(tmp_path / "review.db")
    zero_page(db, page)
    assert_refused(db, "已损坏", "备份")


def test_every_page_zeroed_in_turn_never_gives_a_raw_sqlite_error(tmp_path: Path) -> None:
    """Whichever page is lost, the answer is a StoreError or a database that still opens, never a traceback."""
    good = filled(tmp_path / "good.db")
    pages = good.stat().st_size // 4096
    refused = 0
    for page in range(1, pages + 1):
        db = tmp_path / f"p{page}.db"
        shutil.copy(good, db)
        zero_page(db, page)
        try:
            with Store.open(db, create=False) as store:
                store.all_decisions()
        except StoreError:
            refused += 1
    assert refused >= pages - 1  # at most a free page can go unnoticed


def test_errors_while_in_use_are_store_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database locked by another process for longer than the wait is a Chinese error, not a traceback."""
    db = filled(tmp_path / "review.db", decisions=1)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    store = Store.open(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="占用"):
            store.decide(1, "ME301", "fp-new", "confirmed", "张三")
        with pytest.raises(StoreError, match="占用"):
            store.all_decisions()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(store.all_decisions()) == 1
    store.close()


def test_a_reviewer_name_is_required(tmp_path: Path) -> None:
    with Store.open(tmp_path / "review.db") as store:
        doc = register(store)
        for blank in ("", "   "):
            with pytest.raises(ValueError, match="复核人"):
                store.decide(doc, "ME301", "fp", "confirmed", blank)
            with pytest.raises(ValueError, match="复核人"):
                store.conclude(doc, "repeal", "整体违法", blank)
            with pytest.raises(ValueError, match="复核人"):
                store.add_note(doc, "ME301", "fp", "备注", blank)
        assert store.all_decisions() == []


# -- databases of earlier versions ----------------------------------------------------------------------------
def legacy_wal_database(path: Path) -> None:
    """As fairreview 0.1 left it after kill -9: WAL mode, no application id, the rows only in -wal."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.executescript(f"BEGIN; {MIGRATIONS[0]}\nPRAGMA user_version = 1; COMMIT;")
    conn.execute("INSERT INTO documents (title, created_at) VALUES ('旧文件', '2025-01-01T00:00:00+08:00')")
    conn.execute(
        "INSERT INTO decisions (document_id, rule, sentence_fp, kind, reviewer, decided_at)"
        " VALUES (1, 'ME301', 'fp', 'dismissed', '王五', '2025-01-01T00:00:00+08:00')"
    )
    crashed = path.with_name("crashed.db")
    shutil.copy(path, crashed)
    shutil.copy(path.with_name(path.name + "-wal"), crashed.with_name("crashed.db-wal"))
    conn.close()
    crashed.replace(path)
    path.with_name(path.name + "-wal").unlink(missing_ok=True)
    crashed.with_name("crashed.db-wal").replace(path.with_name(path.name + "-wal"))


def test_wal_database_of_an_earlier_version_is_folded_into_the_main_file(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    legacy_wal_database(db)
    with Store.open(db) as store:
        assert [d.reviewer for d in store.all_decisions()] == ["王五"]
        assert store.journal_mode() == "delete" and store.schema_version == SCHEMA_VERSION
    assert not (tmp_path / "review.db-wal").exists()
    alone = tmp_path / "copy" / "review.db"
    alone.parent.mkdir()
    shutil.copy(db, alone)
    conn = sqlite3.connect(alone)
    assert conn.execute("SELECT reviewer FROM decisions").fetchall() == [("王五",)]
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


# -- concurrency: real processes ---------------------------------------------------------------------------
def _first_open_worker(rounds: list[str], barrier: multiprocessing.synchronize.Barrier, name: str) -> None:
    for path in rounds:
        barrier.wait(timeout=60)
        with Store.open(path) as store:
            doc = register(store)
            store.decide(doc, "ME301", f"fp-{name}", "confirmed", name)


def run_together(target: object, args_per_process: list[tuple[object, ...]]) -> list[int | None]:
    ctx: Any = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    procs = [ctx.Process(target=target, args=a) for a in args_per_process]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    return [p.exitcode for p in procs]


def test_four_concurrent_first_opens_all_succeed(tmp_path: Path) -> None:
    processes, rounds = 4, 8
    paths = [str(tmp_path / f"round{r}" / "review.db") for r in range(rounds)]
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    barrier = ctx.Barrier(processes)
    codes = run_together(_first_open_worker, [(paths, barrier, f"复核人{i}") for i in range(processes)])
    assert codes == [0] * processes  # every one of the 4 × 8 first opens succeeded
    for path in paths:
        with Store.open(path, create=False) as store:
            assert store.document_count() == 1
            assert sorted(d.reviewer for d in store.all_decisions()) == [f"复核人{i}" for i in range(processes)]
        assert folder(Path(path)) == ["review.db"]


def _upgrade_worker(path: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait(timeout=60)
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION


def test_concurrent_upgrades_run_the_migration_once(tmp_path: Path) -> None:
    for r in range(4):
        db = tmp_path / f"round{r}" / "review.db"
        db.parent.mkdir()
        conn = sqlite3.connect(db)
        conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
        conn.close()
        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        barrier = ctx.Barrier(4)
        assert run_together(_upgrade_worker, [(str(db), barrier)] * 4) == [0] * 4


# -- kill -9 ------------------------------------------------------------------------------------------------
CHILD = textwrap.dedent(
    """
    import sys, time
    from fairreview.review.fingerprint import identity
    from fairreview.review.store import Store
    store = Store.open(sys.argv[1])
    doc = store.register(identity("a" * 64, "某县通知", None, "某县通知\\n一、正文。\\n"), path="/docs/a.txt")
    for i in range(int(sys.argv[2])):
        store.decide(doc, "ME301", f"fp{i}", "dismissed" if i % 2 else "confirmed", "张三", reason=f"理由{i}")
    store.conclude(doc, "repeal", "整体违法", "张三")
    print("recorded", flush=True)
    time.sleep(600)  # killed here, the connection still open
    """
)


def test_after_kill_9_a_copy_of_review_db_alone_keeps_every_decision(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    db = work / "review.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), "25"], stdout=subprocess.PIPE, text=True,
                             env=env)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "recorded"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    usb = tmp_path / "usb"
    usb.mkdir()
    shutil.copy(db, usb / "review.db")  # the main file only: no -wal, no -journal
    with Store.open(usb / "review.db", create=False) as store:
        decisions = store.all_decisions()
        assert [d.sentence_fp for d in decisions] == [f"fp{i}" for i in range(25)]
        assert [d.reason for d in decisions] == [f"理由{i}" for i in range(25)]
        assert store.latest_conclusion(decisions[0].document_id) is not None
