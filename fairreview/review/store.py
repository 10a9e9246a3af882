"""The decisions store: an embedded SQLite database, one file, schema versioned by ``PRAGMA user_version``.

Decisions are append-only (triggers refuse UPDATE and DELETE): a new decision on the same finding
supersedes the previous one and points to it, so the whole history stays. Every write is its own committed
transaction in WAL mode, so a killed review session loses nothing that was confirmed on screen.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .fingerprint import DocIdentity, similarity

DEFAULT_DB = Path(".fairreview") / "review.db"

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


class StoreError(Exception):
    """The database cannot be used; the message is Chinese and names the file."""


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


Key = tuple[str, str]  # (rule code, sentence fingerprint)


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


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._cache: tuple[int, list[tuple[int, str | None, list[int]]]] | None = None

    # -- opening and migrations ------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, create: bool = True) -> Store:
        p = Path(path)
        if not p.exists():
            if not create:
                raise StoreError(f"复核数据库不存在：{p}")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建复核数据库所在文件夹 {p.parent}：{exc.strerror or exc}") from exc
        try:
            conn = sqlite3.connect(str(p), isolation_level=None, timeout=10.0)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(conn, p)
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"复核数据库 {p} 无法打开：{exc}") from exc
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"复核数据库 {self.path} 的结构版本为 {version}，"
                f"比本程序支持的 {SCHEMA_VERSION} 新，请升级 fairreview"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # executescript commits first; the migration and its version number land in one transaction
            self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{MIGRATIONS[target - 1]}\nPRAGMA user_version = {target};\nCOMMIT;"
            )

    def _write(self, sql: str, params: Iterable[Any] = ()) -> int:
        cur = self.conn.execute(sql, tuple(params))
        return int(cur.lastrowid or 0)

    # -- documents -------------------------------------------------------------------------------------
    def document_by_sha(self, sha256: str | None) -> int | None:
        if not sha256:
            return None
        row = self.conn.execute(
            "SELECT document_id FROM doc_versions WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,)
        ).fetchone()
        return int(row[0]) if row else None

    def resolve(self, ident: DocIdentity) -> int | None:
        """The known document this one is a version of, or None (see fingerprint.py for the order)."""
        by_sha = self.document_by_sha(ident.sha256)
        if by_sha is not None:
            return by_sha
        best: dict[int, float] = {}
        sketched: set[int] = set()
        same_title: set[int] = set()
        titled: set[int] = set()
        for doc_id, key, stored in self._versions():
            if key:
                titled.add(doc_id)
                if ident.title_key and key == ident.title_key:
                    same_title.add(doc_id)
            if stored:
                sketched.add(doc_id)
                if ident.sketch:
                    best[doc_id] = max(best.get(doc_id, 0.0), similarity(ident.sketch, stored))
        if same_title:
            if len(same_title) == 1:
                (doc_id,) = same_title
                # no text on one side: trust the title (and 文号); else guard against a shared generic title
                if not ident.sketch or doc_id not in sketched or best[doc_id] >= SAME_TITLE_MIN_SIMILARITY:
                    return doc_id
            ranked = sorted(same_title, key=lambda d: best.get(d, 0.0), reverse=True)
            if best.get(ranked[0], 0.0) >= SAME_TITLE_MIN_SIMILARITY:
                return ranked[0]
        candidates = []
        for doc_id, sim in best.items():
            other_title = bool(ident.title_key) and doc_id in titled
            need = OTHER_TITLE_MIN_SIMILARITY if other_title else NO_TITLE_MIN_SIMILARITY
            if sim >= need:
                candidates.append((sim, doc_id))
        return max(candidates)[1] if candidates else None

    def _versions(self) -> list[tuple[int, str | None, list[int]]]:
        """(document, title key, sketch) of every known version, parsed once per connection and kept fresh."""
        count = int(self.conn.execute("SELECT count(*) FROM doc_versions").fetchone()[0])
        if self._cache is None or self._cache[0] != count:
            rows = self.conn.execute("SELECT document_id, title_key, sketch FROM doc_versions ORDER BY id")
            self._cache = (count, [(int(r[0]), r[1], json.loads(r[2])) for r in rows])
        return self._cache[1]

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
            known = self.conn.execute(
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
            self.conn.execute("ROLLBACK")
            raise
        return doc_id

    def document_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    # -- finding decisions -----------------------------------------------------------------------------
    def decide(
        self,
        document_id: int,
        rule: str,
        sentence_fp: str,
        kind: str,
        reviewer: str,
        reason: str | None = None,
        deadline: str | None = None,
        location: str | None = None,
        sentence: str | None = None,
        path: str | None = None,
    ) -> Decision:
        if kind not in KINDS:
            raise ValueError(f"unknown decision kind {kind!r}")
        if kind == "exception":
            if not (reason and reason.strip()):
                raise ValueError("适用例外须写明理由")
            if not deadline:
                raise ValueError("适用例外须写明实施期限")
            dt.date.fromisoformat(deadline)
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
                location,
                sentence,
                path,
            ),
        )
        return self._decision(self.conn.execute("SELECT * FROM decisions WHERE id = ?", (new_id,)).fetchone())

    @staticmethod
    def _decision(row: sqlite3.Row) -> Decision:
        return Decision(**{k: row[k] for k in Decision.__dataclass_fields__})

    def latest(self, document_id: int, rule: str, sentence_fp: str) -> Decision | None:
        row = self.conn.execute(
            "SELECT * FROM decisions WHERE document_id = ? AND rule = ? AND sentence_fp = ?"
            " ORDER BY id DESC LIMIT 1",
            (document_id, rule, sentence_fp),
        ).fetchone()
        return self._decision(row) if row else None

    def latest_decisions(self, document_id: int) -> dict[Key, Decision]:
        out: dict[Key, Decision] = {}
        for row in self.conn.execute(
            "SELECT * FROM decisions WHERE document_id = ? ORDER BY id", (document_id,)
        ):
            d = self._decision(row)
            out[(d.rule, d.sentence_fp)] = d
        return out

    def history(self, document_id: int, rule: str, sentence_fp: str) -> list[Decision]:
        rows = self.conn.execute(
            "SELECT * FROM decisions WHERE document_id = ? AND rule = ? AND sentence_fp = ? ORDER BY id",
            (document_id, rule, sentence_fp),
        ).fetchall()
        return [self._decision(r) for r in rows]

    def all_decisions(self) -> list[Decision]:
        return [self._decision(r) for r in self.conn.execute("SELECT * FROM decisions ORDER BY id")]

    # -- notes -----------------------------------------------------------------------------------------
    def add_note(self, document_id: int, rule: str, sentence_fp: str, text: str, reviewer: str) -> Note:
        if not text.strip():
            raise ValueError("备注不能为空")
        new_id = self._write(
            "INSERT INTO notes (document_id, rule, sentence_fp, text, reviewer, noted_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (document_id, rule, sentence_fp, text.strip(), reviewer, now()),
        )
        row = self.conn.execute("SELECT * FROM notes WHERE id = ?", (new_id,)).fetchone()
        return Note(**{k: row[k] for k in Note.__dataclass_fields__})

    def notes(self, document_id: int) -> dict[Key, list[Note]]:
        out: dict[Key, list[Note]] = {}
        for row in self.conn.execute("SELECT * FROM notes WHERE document_id = ? ORDER BY id", (document_id,)):
            n = Note(**{k: row[k] for k in Note.__dataclass_fields__})
            out.setdefault((n.rule, n.sentence_fp), []).append(n)
        return out

    # -- final conclusions -----------------------------------------------------------------------------
    def conclude(
        self,
        document_id: int,
        conclusion: str,
        reason: str,
        reviewer: str,
        recommended: str | None = None,
        known_findings: Iterable[Key] = (),
        path: str | None = None,
    ) -> Conclusion:
        if conclusion not in CONCLUSIONS:
            raise ValueError(f"unknown conclusion {conclusion!r}")
        if not reason.strip():
            raise ValueError("最终结论须写明理由")
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

    def latest_conclusion(self, document_id: int) -> Conclusion | None:
        row = self.conn.execute(
            "SELECT * FROM conclusions WHERE document_id = ? ORDER BY id DESC LIMIT 1", (document_id,)
        ).fetchone()
        return Conclusion(**{k: row[k] for k in Conclusion.__dataclass_fields__}) if row else None

    # -- baseline --------------------------------------------------------------------------------------
    def has_baseline(self) -> bool:
        return self.conn.execute("SELECT 1 FROM baseline LIMIT 1").fetchone() is not None

    def baseline_keys(self, document_id: int) -> set[Key]:
        rows = self.conn.execute(
            "SELECT rule, sentence_fp FROM baseline WHERE document_id = ?", (document_id,)
        )
        return {(r[0], r[1]) for r in rows}

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
            self.conn.execute("ROLLBACK")
            raise
        return added, len(have & set(wanted)), len(stale)
