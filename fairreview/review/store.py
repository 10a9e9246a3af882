"""The decisions store: an embedded SQLite database, one file, schema versioned by ``PRAGMA user_version``.

Decisions are append-only (triggers refuse UPDATE and DELETE): a new decision on the same finding
supersedes the previous one and points to it, so the whole history stays.

What a reviewer recorded is never lost or silently replaced:

- A database is created whole: the schema is built in a temporary file under an exclusive lock and then
  published with a hard link (which fails if the name is already taken), so a half-made database never
  sits under the real name and any number of first opens at once all succeed (only one file wins).
- An existing file is used only after it is shown to be ours (our ``application_id``, or the tables of a
  database made before it was set) and sound (``quick_check``), through a read-only connection, so a 0-byte
  file, a text file, another application's database or a damaged one is an error naming it and is never
  written to, let alone re-initialised.
- The rollback journal (``journal_mode=DELETE``) with ``synchronous=FULL``: when a decision's COMMIT returns
  it is in ``review.db`` itself and on the disk. A copy of ``review.db`` alone therefore holds every
  recorded decision even after ``kill -9``, and the database works on network shares and USB sticks, where
  WAL's shared memory does not. (With WAL, committed rows live in ``review.db-wal`` until a checkpoint, and a
  checkpoint after each commit cannot finish while another process reads.) A database left in WAL mode by an
  earlier version is switched over when opened; if another process holds it in WAL mode, it stays so and is
  checkpointed (TRUNCATE) when the command closes it.
- Schema upgrades run under ``BEGIN IMMEDIATE`` and re-read the version inside the lock.
- SQLite errors surface as :class:`StoreError` with a Chinese message naming the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from ..atomic_file import fsync_directory, fsync_file, temp_path_for
from ..escapes import escape_text, has_surrogates
from .fingerprint import DocIdentity, similarity

# Finding decisions. "reopened" withdraws an earlier decision (the finding is open again).
KINDS = ("confirmed", "dismissed", "exception", "reopened")
CONCLUSIONS = ("retain", "amend", "repeal", "expired")

# A known document is taken for the scanned one when their text sketches are this similar: loosely when the
# titles agree or one is missing, strictly when both have a title and the titles differ.
SAME_TITLE_MIN_SIMILARITY = 0.3
NO_TITLE_MIN_SIMILARITY = 0.5
OTHER_TITLE_MIN_SIMILARITY = 0.8

_APPEND_ONLY = """
CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
    BEGIN SELECT RAISE(ABORT, '复核记录只可追加，不可修改'); END;
CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t}
    BEGIN SELECT RAISE(ABORT, '复核记录只可追加，不可删除'); END;
"""

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: list[str] = [
    # 1: documents and their versions, finding decisions, notes, final conclusions
    """
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        title TEXT,
        doc_number TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE doc_versions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        sha256 TEXT,
        title_key TEXT,
        sketch TEXT NOT NULL DEFAULT '[]',
        path TEXT,
        format TEXT,
        seen_at TEXT NOT NULL
    );
    CREATE INDEX doc_versions_sha256 ON doc_versions(sha256);
    CREATE INDEX doc_versions_title_key ON doc_versions(title_key);
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        rule TEXT NOT NULL,
        sentence_fp TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('confirmed', 'dismissed', 'exception', 'reopened')),
        reason TEXT,
        deadline TEXT,
        reviewer TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        supersedes INTEGER REFERENCES decisions(id),
        location TEXT,
        sentence TEXT,
        path TEXT,
        CHECK (kind <> 'exception' OR (reason IS NOT NULL AND reason <> '' AND deadline IS NOT NULL))
    );
    CREATE INDEX decisions_key ON decisions(document_id, rule, sentence_fp, id);
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        rule TEXT NOT NULL,
        sentence_fp TEXT NOT NULL,
        text TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        noted_at TEXT NOT NULL
    );
    CREATE INDEX notes_key ON notes(document_id, rule, sentence_fp);
    CREATE TABLE conclusions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        conclusion TEXT NOT NULL CHECK (conclusion IN ('retain', 'amend', 'repeal', 'expired')),
        reason TEXT NOT NULL CHECK (reason <> ''),
        recommended TEXT,
        reviewer TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        supersedes INTEGER REFERENCES conclusions(id),
        known_findings TEXT NOT NULL DEFAULT '[]',
        path TEXT
    );
    CREATE INDEX conclusions_document ON conclusions(document_id, id);
    """
    + _APPEND_ONLY.format(t="decisions")
    + _APPEND_ONLY.format(t="notes")
    + _APPEND_ONLY.format(t="conclusions"),
    # 2: the baseline of known findings (not decisions: its rows are pruned when a finding disappears)
    """
    CREATE TABLE baseline (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        rule TEXT NOT NULL,
        sentence_fp TEXT NOT NULL,
        location TEXT,
        sentence TEXT,
        path TEXT,
        recorded_at TEXT NOT NULL,
        UNIQUE (document_id, rule, sentence_fp)
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# "FREV" in the SQLite header: how a fairreview database is told from another application's SQLite file.
APPLICATION_ID = 0x46524556
SQLITE_MAGIC = b"SQLite format 3\x00"
# The tables each schema version must have (a database made before the application id was set is
# recognised by them).
TABLES = {1: {"documents", "doc_versions", "decisions", "notes", "conclusions"}, 2: {"baseline"}}
BUSY_TIMEOUT_S = 10.0


class StoreError(Exception):
    """The database cannot be used; the message is Chinese and names the file."""


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def required_tables(version: int) -> set[str]:
    return set().union(*(t for v, t in TABLES.items() if v <= version))


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration one by one (CREATE TRIGGER bodies hold semicolons of their own)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf
            buf = ""
    if buf.strip():
        yield buf


def _ro_uri(path: Path) -> str:
    return path.absolute().as_uri() + "?mode=ro"


def _not_ours(path: Path, why: str) -> StoreError:
    return StoreError(
        f"{path} 不是 fairreview 复核数据库（{why}）。为免覆盖他人的文件或已有的复核记录，未作任何改动；"
        "请用 --db 指定正确的复核数据库，或把此文件移走后再运行"
    )


# SQLite's own words, for the messages a clerk reads (the English text follows, short, for a technician).
_SQLITE_ZH = {
    "malformed": "页面结构损坏",
    "not a database": "文件头损坏或不是数据库",
    "disk I/O error": "读写磁盘出错",
    "out of memory": "内存不足",
}


def sqlite_detail(text: str) -> str:
    """A SQLite message as a short Chinese phrase with the original cut to one line."""
    raw = " ".join(text.split())
    raw = raw if len(raw) <= 80 else raw[:77] + "..."
    for key, zh in _SQLITE_ZH.items():
        if key in text:
            return f"{zh}；SQLite：{raw}"
    return f"SQLite：{raw}"


def _damaged(path: Path, detail: str) -> StoreError:
    return StoreError(
        f"复核数据库 {path} 已损坏（{detail}）。未作任何改动；请用备份（fairreview db backup 所写的文件）"
        "替换它，或把它交给技术人员修复"
    )


def inspect_database(path: Path) -> None:
    """Raise :class:`StoreError` unless ``path`` is a sound fairreview database. Reads only."""
    header_id = _header_id(path)
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise StoreError(f"无法读取复核数据库 {path}（{sqlite_detail(str(exc))}）") from exc
    try:
        schema = _read_schema(conn, path, header_id)
        if schema is None:
            return
        app_id, version, tables = schema
        _check_ours(path, app_id, version, tables)
        _check_sound(conn, path, version, tables)
    finally:
        conn.close()


def _header_id(path: Path) -> int:
    """The application id in the SQLite header, once its raw bytes pass (checked before SQLite opens it)."""
    if path.is_dir():
        raise _not_ours(path, "这是一个文件夹")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StoreError(f"无法读取复核数据库 {path}：{exc.strerror or exc}") from exc
    if size == 0:
        raise _not_ours(path, "文件为空，0 字节")
    if not header.startswith(SQLITE_MAGIC):
        if header.strip(b"\x00") == b"":
            raise _damaged(path, "文件头全为零")
        raise _not_ours(path, "不是 SQLite 数据库文件")
    return int.from_bytes(header[68:72], "big", signed=True)


def _read_schema(conn: sqlite3.Connection, path: Path, header_id: int) -> tuple[int, int, set[str]] | None:
    """(application id, schema version, table names), or None for one of ours that needs a rollback first."""
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.OperationalError as exc:
        if header_id == APPLICATION_ID and "readonly" in str(exc):
            # a transaction was cut off (kill -9, power loss): SQLite rolls it back on the read-write open
            return None
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(f"复核数据库 {path} 正被其他程序占用，请稍后再试") from exc
        raise _unreadable(path, header_id, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, header_id, exc) from exc
    return app_id, version, tables


def _check_ours(path: Path, app_id: int, version: int, tables: set[str]) -> None:
    """Ours by the application id, or by the tables of a database made before the id was set."""
    if app_id not in (0, APPLICATION_ID):
        raise _not_ours(path, f"属于其他应用程序，application_id = {app_id:#x}")
    ours = app_id == APPLICATION_ID or (version >= 1 and TABLES[1] <= tables)
    if not ours:
        shown = "、".join(sorted(tables)[:6]) + ("等" if len(tables) > 6 else "")
        raise _not_ours(path, f"其中的表为：{shown}" if tables else "没有任何数据表")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"复核数据库 {path} 的结构版本为 {version}，"
            f"比本程序支持的 {SCHEMA_VERSION} 新，请升级 fairreview"
        )


def _check_sound(conn: sqlite3.Connection, path: Path, version: int, tables: set[str]) -> None:
    """Every table of its version there, and SQLite's quick check passed."""
    missing = required_tables(version) - tables
    if missing:
        raise _damaged(path, f"缺少数据表 {'、'.join(sorted(missing))}")
    try:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, sqlite_detail(str(exc))) from exc
    if problems != ["ok"]:
        raise _damaged(path, "完整性检查未通过；" + sqlite_detail(problems[0]))


def _unreadable(path: Path, header_id: int, exc: Exception) -> StoreError:
    if header_id == APPLICATION_ID:
        return _damaged(path, sqlite_detail(str(exc)))
    return StoreError(
        f"{path} 不是可用的 fairreview 复核数据库（{sqlite_detail(str(exc))}）：它可能已损坏，也可能是其他程序的文件。"
        "未作任何改动；请用 --db 指定正确的复核数据库，或用备份替换它"
    )


def create_database(path: Path) -> bool:
    """Create a current, empty database at ``path`` unless a file is there already; True if this call made it.

    The schema is built in a temporary file beside it and published with a hard link, which fails when the
    name is taken: a concurrent first open either wins or finds a complete database."""
    tmp = temp_path_for(path)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("BEGIN EXCLUSIVE")
            for migration in MIGRATIONS:
                for stmt in _statements(migration):
                    conn.execute(stmt)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        finally:
            conn.close()
        fsync_file(tmp)
        made = _publish(tmp, path)
        if made:
            fsync_directory(path.parent)
        return made
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"无法创建复核数据库 {path}：{getattr(exc, 'strerror', None) or exc}") from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def _publish(tmp: Path, path: Path) -> bool:
    """Give the finished temporary database its real name, never over an existing file."""
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    except OSError:
        pass  # no hard links here (FAT/exFAT USB sticks, some network shares)
    if os.name == "nt":
        try:
            os.rename(tmp, path)  # refuses an existing target on Windows
            return True
        except FileExistsError:
            return False
    import fcntl  # POSIX without hard links: serialise the check and the rename on the folder

    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.path.lexists(path):
            return False
        os.rename(tmp, path)
        return True
    finally:
        os.close(fd)


P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """SQLite errors as a Chinese :class:`StoreError` naming the file (integrity errors stay: they are bugs)."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.DatabaseError as exc:
            raise self.error(exc) from exc

    return wrapper


def _bind(params: Iterable[Any]) -> tuple[Any, ...]:
    """Text that UTF-8 cannot hold (undecodable bytes of a file name) is stored in its lossless escaped form."""
    return tuple(escape_text(v) if isinstance(v, str) and has_surrogates(v) else v for v in params)


def _reviewer(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("复核记录须写明复核人姓名")
    return name.strip()


Key = tuple[str, str]  # (rule code, sentence fingerprint)


@dataclass(frozen=True)
class Where:
    """Where a decided finding stood (clause, sentence, file): kept with the decision for the ledger and the
    history, never part of its key."""

    location: str | None = None
    sentence: str | None = None
    path: str | None = None


@dataclass
class Decision:
    id: int
    document_id: int
    rule: str
    sentence_fp: str
    kind: str
    reason: str | None
    deadline: str | None
    reviewer: str
    decided_at: str
    supersedes: int | None
    location: str | None
    sentence: str | None
    path: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Note:
    id: int
    document_id: int
    rule: str
    sentence_fp: str
    text: str
    reviewer: str
    noted_at: str


@dataclass
class Conclusion:
    id: int
    document_id: int
    conclusion: str
    reason: str
    recommended: str | None
    reviewer: str
    decided_at: str
    supersedes: int | None
    known_findings: str
    path: str | None

    def known(self) -> set[Key]:
        return {(r, fp) for r, fp in json.loads(self.known_findings)}


@dataclass
class BaselineEntry:
    rule: str
    sentence_fp: str
    location: str | None = None
    sentence: str | None = None
    path: str | None = None


@dataclass
class _Compared:
    """A document being resolved against every known version: the best text similarity to each known
    document, and which known documents have a sketch, a title, and the same title as it."""

    best: dict[int, float]
    sketched: set[int]
    same_title: set[int]
    titled: set[int]

    @classmethod
    def of(cls, ident: DocIdentity, versions: Iterable[tuple[int, str | None, list[int]]]) -> _Compared:
        known = cls({}, set(), set(), set())
        for doc_id, key, stored in versions:
            if key:
                known.titled.add(doc_id)
                if ident.title_key and key == ident.title_key:
                    known.same_title.add(doc_id)
            if stored:
                known.sketched.add(doc_id)
                if ident.sketch:
                    known.best[doc_id] = max(known.best.get(doc_id, 0.0), similarity(ident.sketch, stored))
        return known

    def by_same_title(self, ident: DocIdentity) -> int | None:
        """A known document of the same title, unless their texts show only a generic title is shared."""
        if not self.same_title:
            return None
        if len(self.same_title) == 1:
            (doc_id,) = self.same_title
            # no text on one side: trust the title (and 文号); else guard against a shared generic title
            no_text = not ident.sketch or doc_id not in self.sketched
            if no_text or self.best[doc_id] >= SAME_TITLE_MIN_SIMILARITY:
                return doc_id
        ranked = sorted(self.same_title, key=lambda d: self.best.get(d, 0.0), reverse=True)
        if self.best.get(ranked[0], 0.0) >= SAME_TITLE_MIN_SIMILARITY:
            return ranked[0]
        return None

    def by_text(self, ident: DocIdentity) -> int | None:
        """The most similar known text; a higher bar when both have a title (and the title did not decide)."""
        candidates = []
        for doc_id, sim in self.best.items():
            other_title = bool(ident.title_key) and doc_id in self.titled
            need = OTHER_TITLE_MIN_SIMILARITY if other_title else NO_TITLE_MIN_SIMILARITY
            if sim >= need:
                candidates.append((sim, doc_id))
        return max(candidates)[1] if candidates else None


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.wal = False  # left in WAL mode (another process held it): checkpointed on close
        self._cache: tuple[int, list[tuple[int, str | None, list[int]]]] | None = None

    # -- opening and migrations ------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, create: bool = True) -> Store:
        """Open a fairreview database; create it when missing and ``create``. Anything else is a StoreError."""
        p = Path(path)
        if not os.path.lexists(p):
            if not create:
                raise StoreError(f"复核数据库不存在：{p}")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建复核数据库所在文件夹 {p.parent}：{exc.strerror or exc}") from exc
            create_database(p)
        inspect_database(p)
        try:
            conn = sqlite3.connect(p, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        except sqlite3.Error as exc:
            raise StoreError(f"复核数据库 {p} 无法打开（{sqlite_detail(str(exc))}）") from exc
        conn.row_factory = sqlite3.Row
        store = cls(conn, p)
        try:
            store._prepare()
        except BaseException:
            conn.close()
            raise
        return store

    @_guarded
    def _prepare(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.journal_mode() == "wal":
            # checkpoints and removes the -wal file; fails while another connection holds it in WAL mode
            with contextlib.suppress(sqlite3.OperationalError):
                self.conn.execute("PRAGMA journal_mode = DELETE")
            self.wal = self.journal_mode() == "wal"
        self.conn.execute("PRAGMA synchronous = FULL")
        self._migrate()

    def journal_mode(self) -> str:
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    def error(self, exc: BaseException) -> StoreError:
        """A Chinese message for a SQLite error on this database."""
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"复核数据库 {self.path} 正被其他程序占用（等待 {BUSY_TIMEOUT_S:.0f} 秒仍未释放），"
                "请关闭其他 fairreview 窗口后重试"
            )
        if "readonly" in text or "read-only" in text:
            return StoreError(f"复核数据库 {self.path} 是只读的，无法记录复核结论")
        if "full" in text:
            return StoreError(f"磁盘已满，复核数据库 {self.path} 无法写入；此前保存的记录不受影响")
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return _damaged(self.path, sqlite_detail(text))
        return StoreError(f"复核数据库 {self.path} 出错（{sqlite_detail(text)}）")

    def close(self) -> None:
        """Close; a database still in WAL mode is checkpointed first, so ``review.db`` alone is complete."""
        try:
            if self.wal:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    @_guarded
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        app_id = int(self.conn.execute("PRAGMA application_id").fetchone()[0])
        if self.schema_version == SCHEMA_VERSION and app_id == APPLICATION_ID:
            return
        # under the write lock, and read again: another process may have upgraded it meanwhile
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            version = self.schema_version
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"复核数据库 {self.path} 的结构版本为 {version}，"
                    f"比本程序支持的 {SCHEMA_VERSION} 新，请升级 fairreview"
                )
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for stmt in _statements(MIGRATIONS[target - 1]):
                    self.conn.execute(stmt)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):  # the error that got us here is the one to report
            self.conn.execute("ROLLBACK")

    def _write(self, sql: str, params: Iterable[Any] = ()) -> int:
        cur = self.conn.execute(sql, _bind(params))
        return int(cur.lastrowid or 0)

    def _read(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, _bind(params))

    # -- documents -------------------------------------------------------------------------------------
    @_guarded
    def document_by_sha(self, sha256: str | None) -> int | None:
        if not sha256:
            return None
        row = self.conn.execute(
            "SELECT document_id FROM doc_versions WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,)
        ).fetchone()
        return int(row[0]) if row else None

    @_guarded
    def resolve(self, ident: DocIdentity) -> int | None:
        """The known document this one is a version of, or None (see fingerprint.py for the order)."""
        by_sha = self.document_by_sha(ident.sha256)
        if by_sha is not None:
            return by_sha
        known = _Compared.of(ident, self._versions())
        by_title = known.by_same_title(ident)
        return by_title if by_title is not None else known.by_text(ident)

    def _versions(self) -> list[tuple[int, str | None, list[int]]]:
        """(document, title key, sketch) of every known version, parsed once per connection and kept fresh."""
        count = int(self.conn.execute("SELECT count(*) FROM doc_versions").fetchone()[0])
        if self._cache is None or self._cache[0] != count:
            rows = self.conn.execute("SELECT document_id, title_key, sketch FROM doc_versions ORDER BY id")
            self._cache = (count, [(int(r[0]), r[1], json.loads(r[2])) for r in rows])
        return self._cache[1]

    @_guarded
    def register(self, ident: DocIdentity, path: str | None = None, fmt: str | None = None) -> int:
        """Resolve the document, creating it when new, and record this version of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            doc_id = self.resolve(ident)
            if doc_id is None:
                doc_id = self._write(
                    "INSERT INTO documents (title, doc_number, created_at) VALUES (?, ?, ?)",
                    (ident.title, ident.doc_number, now()),
                )
            known = self._read(
                "SELECT 1 FROM doc_versions WHERE document_id = ? AND sha256 IS ? AND path IS ?",
                (doc_id, ident.sha256, path),
            ).fetchone()
            if not known:
                self._write(
                    "INSERT INTO doc_versions (document_id, sha256, title_key, sketch, path, format, seen_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, ident.sha256, ident.title_key, json.dumps(ident.sketch), path, fmt, now()),
                )
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return doc_id

    @_guarded
    def document_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    # -- finding decisions -----------------------------------------------------------------------------
    @_guarded
    def decide(
        self,
        document_id: int,
        rule: str,
        sentence_fp: str,
        kind: str,
        reviewer: str,
        *,
        reason: str | None = None,
        deadline: str | None = None,
        where: Where | None = None,
    ) -> Decision:
        if kind not in KINDS:
            raise ValueError(f"unknown decision kind {kind!r}")
        reviewer = _reviewer(reviewer)
        if kind == "exception":
            if not (reason and reason.strip()):
                raise ValueError("适用例外须写明理由")
            if not deadline:
                raise ValueError("适用例外须写明实施期限")
            dt.date.fromisoformat(deadline)
        where = where if where is not None else Where()
        previous = self.latest(document_id, rule, sentence_fp)
        new_id = self._write(
            "INSERT INTO decisions (document_id, rule, sentence_fp, kind, reason, deadline, reviewer,"
            " decided_at,"
            " supersedes, location, sentence, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document_id,
                rule,
                sentence_fp,
                kind,
                reason,
                deadline,
                reviewer,
                now(),
                previous.id if previous else None,
                where.location,
                where.sentence,
                where.path,
            ),
        )
        return self._decision(self.conn.execute("SELECT * FROM decisions WHERE id = ?", (new_id,)).fetchone())

    @staticmethod
    def _decision(row: sqlite3.Row) -> Decision:
        return Decision(**{k: row[k] for k in Decision.__dataclass_fields__})

    @_guarded
    def latest(self, document_id: int, rule: str, sentence_fp: str) -> Decision | None:
        row = self.conn.execute(
            "SELECT * FROM decisions WHERE document_id = ? AND rule = ? AND sentence_fp = ?"
            " ORDER BY id DESC LIMIT 1",
            (document_id, rule, sentence_fp),
        ).fetchone()
        return self._decision(row) if row else None

    @_guarded
    def latest_decisions(self, document_id: int) -> dict[Key, Decision]:
        out: dict[Key, Decision] = {}
        for row in self.conn.execute(
            "SELECT * FROM decisions WHERE document_id = ? ORDER BY id", (document_id,)
        ):
            d = self._decision(row)
            out[(d.rule, d.sentence_fp)] = d
        return out

    @_guarded
    def history(self, document_id: int, rule: str, sentence_fp: str) -> list[Decision]:
        rows = self.conn.execute(
            "SELECT * FROM decisions WHERE document_id = ? AND rule = ? AND sentence_fp = ? ORDER BY id",
            (document_id, rule, sentence_fp),
        ).fetchall()
        return [self._decision(r) for r in rows]

    @_guarded
    def all_decisions(self) -> list[Decision]:
        return [self._decision(r) for r in self.conn.execute("SELECT * FROM decisions ORDER BY id")]

    # -- notes -----------------------------------------------------------------------------------------
    @_guarded
    def add_note(self, document_id: int, rule: str, sentence_fp: str, text: str, reviewer: str) -> Note:
        if not text.strip():
            raise ValueError("备注不能为空")
        reviewer = _reviewer(reviewer)
        new_id = self._write(
            "INSERT INTO notes (document_id, rule, sentence_fp, text, reviewer, noted_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (document_id, rule, sentence_fp, text.strip(), reviewer, now()),
        )
        row = self.conn.execute("SELECT * FROM notes WHERE id = ?", (new_id,)).fetchone()
        return Note(**{k: row[k] for k in Note.__dataclass_fields__})

    @_guarded
    def notes(self, document_id: int) -> dict[Key, list[Note]]:
        out: dict[Key, list[Note]] = {}
        for row in self.conn.execute("SELECT * FROM notes WHERE document_id = ? ORDER BY id", (document_id,)):
            n = Note(**{k: row[k] for k in Note.__dataclass_fields__})
            out.setdefault((n.rule, n.sentence_fp), []).append(n)
        return out

    # -- final conclusions -----------------------------------------------------------------------------
    @_guarded
    def conclude(
        self,
        document_id: int,
        conclusion: str,
        reason: str,
        reviewer: str,
        *,
        recommended: str | None = None,
        known_findings: Iterable[Key] = (),
        path: str | None = None,
    ) -> Conclusion:
        if conclusion not in CONCLUSIONS:
            raise ValueError(f"unknown conclusion {conclusion!r}")
        if not reason.strip():
            raise ValueError("最终结论须写明理由")
        reviewer = _reviewer(reviewer)
        previous = self.latest_conclusion(document_id)
        new_id = self._write(
            "INSERT INTO conclusions (document_id, conclusion, reason, recommended, reviewer, decided_at,"
            " supersedes,"
            " known_findings, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document_id,
                conclusion,
                reason.strip(),
                recommended,
                reviewer,
                now(),
                previous.id if previous else None,
                json.dumps(sorted(set(known_findings))),
                path,
            ),
        )
        row = self.conn.execute("SELECT * FROM conclusions WHERE id = ?", (new_id,)).fetchone()
        return Conclusion(**{k: row[k] for k in Conclusion.__dataclass_fields__})

    @_guarded
    def latest_conclusion(self, document_id: int) -> Conclusion | None:
        row = self.conn.execute(
            "SELECT * FROM conclusions WHERE document_id = ? ORDER BY id DESC LIMIT 1", (document_id,)
        ).fetchone()
        return Conclusion(**{k: row[k] for k in Conclusion.__dataclass_fields__}) if row else None

    # -- baseline --------------------------------------------------------------------------------------
    @_guarded
    def has_baseline(self) -> bool:
        return self.conn.execute("SELECT 1 FROM baseline LIMIT 1").fetchone() is not None

    @_guarded
    def baseline_keys(self, document_id: int) -> set[Key]:
        rows = self.conn.execute(
            "SELECT rule, sentence_fp FROM baseline WHERE document_id = ?", (document_id,)
        )
        return {(r[0], r[1]) for r in rows}

    @_guarded
    def record_baseline(self, document_id: int, entries: list[BaselineEntry]) -> tuple[int, int, int]:
        """Make the document's baseline exactly these findings: (added, kept, pruned)."""
        wanted = {(e.rule, e.sentence_fp): e for e in entries}
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            have = self.baseline_keys(document_id)
            stale = have - set(wanted)
            for rule, fp in stale:
                self.conn.execute(
                    "DELETE FROM baseline WHERE document_id = ? AND rule = ? AND sentence_fp = ?",
                    (document_id, rule, fp),
                )
            added = 0
            for key, e in wanted.items():
                if key in have:
                    continue
                self._write(
                    "INSERT INTO baseline (document_id, rule, sentence_fp, location, sentence, path,"
                    " recorded_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (document_id, e.rule, e.sentence_fp, e.location, e.sentence, e.path, now()),
                )
                added += 1
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return added, len(have & set(wanted)), len(stale)
