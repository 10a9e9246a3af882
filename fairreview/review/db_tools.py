"""What a clerk does with the review database itself: check it, and back it up (to a USB stick).

``check`` runs SQLite's full ``integrity_check`` besides the checks every open makes (ours, sound, schema
version) and sums up what the database holds. ``backup`` copies it with SQLite's online backup API, which
takes a consistent snapshot even while a review session is writing, into a temporary file beside the
target; the copy is checked (ours, ``integrity_check``, the same number of records) before it is renamed
over the target, so a failed or interrupted backup never replaces the previous one.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic_file import AtomicFiles
from ..escapes import escape_text
from .status import local_time
from .store import Store, StoreError, inspect_database, sqlite_detail

# (table, Chinese name) of what is counted; the baseline table exists from schema version 2 on.
COUNTED = (
    ("documents", "文件"),
    ("decisions", "复核记录"),
    ("conclusions", "最终结论记录"),
    ("notes", "备注"),
    ("baseline", "基线条目"),
)
# Where each table keeps its time and its reviewer.
_TIMES = {"decisions": "decided_at", "conclusions": "decided_at", "notes": "noted_at", "baseline": "recorded_at"}
_REVIEWERS = ("decisions", "conclusions", "notes")


@dataclass
class DatabaseSummary:
    path: Path
    size: int
    schema_version: int
    counts: dict[str, int]
    current_decisions: int
    concluded_documents: int
    reviewers: list[str]
    last_change: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        c = self.counts
        out = [
            f"复核数据库：{escape_text(str(self.path))}（{_size(self.size)}，结构版本 {self.schema_version}）",
            "完整性检查：通过" if self.ok else f"完整性检查：未通过，发现 {len(self.problems)} 处问题",
        ]
        out += [f"  {p}" for p in self.problems[:10]]
        history = c["decisions"] - self.current_decisions
        out.append(
            f"文件 {c['documents']} 件；复核记录 {c['decisions']} 条"
            + (f"（现行 {self.current_decisions} 条，其余 {history} 条为改判或撤销前的历史记录）" if history else "")
            + f"；最终结论 {self.concluded_documents} 件；备注 {c['notes']} 条；基线 {c['baseline']} 处"
        )
        who = "、".join(escape_text(r) for r in self.reviewers) if self.reviewers else "（无）"
        out.append(f"复核人 {len(self.reviewers)} 位：{who}")
        out.append(f"最后修改：{local_time(self.last_change) if self.last_change else '（尚无记录）'}")
        return out


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    have = _tables(conn)
    return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) if t in have else 0 for t, _ in COUNTED}


def summarize(store: Store, problems: list[str] | None = None) -> DatabaseSummary:
    conn = store.conn
    have = _tables(conn)
    current = conn.execute(
        "SELECT count(*) FROM decisions d WHERE kind <> 'reopened' AND id = (SELECT max(id) FROM decisions"
        " WHERE document_id = d.document_id AND rule = d.rule AND sentence_fp = d.sentence_fp)"
    ).fetchone()[0]
    concluded = conn.execute("SELECT count(DISTINCT document_id) FROM conclusions").fetchone()[0]
    names = " UNION ".join(f"SELECT reviewer FROM {t}" for t in _REVIEWERS)
    reviewers = [r[0] for r in conn.execute(f"SELECT reviewer FROM ({names}) ORDER BY reviewer")]
    stamps = [
        r[0]
        for t, col in _TIMES.items()
        if t in have
        for r in conn.execute(f"SELECT max({col}) FROM {t}")
        if r[0]
    ]
    last = max(stamps, key=_instant) if stamps else None
    return DatabaseSummary(
        path=store.path,
        size=os.path.getsize(store.path),
        schema_version=store.schema_version,
        counts=_counts(conn),
        current_decisions=int(current),
        concluded_documents=int(concluded),
        reviewers=reviewers,
        last_change=last,
        problems=problems or [],
    )


def _instant(stamp: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def integrity_problems(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    except sqlite3.DatabaseError as exc:
        return [sqlite_detail(str(exc))]
    return [] if rows == ["ok"] else [sqlite_detail(r) for r in rows]


def check_database(path: str | Path) -> DatabaseSummary:
    """Open (never create) the database, run the full integrity check and sum up what it holds."""
    with Store.open(path, create=False) as store:
        problems = integrity_problems(store.conn)
        try:
            return summarize(store, problems)
        except sqlite3.DatabaseError as exc:
            raise store.error(exc) from exc


@dataclass
class BackupResult:
    target: Path
    counts: dict[str, int]
    size: int


def default_backup_name(when: dt.datetime | None = None) -> str:
    return f"review-{(when or dt.datetime.now()).strftime('%Y%m%d-%H%M%S')}.db"


def backup_database(source: str | Path, target: str | Path) -> BackupResult:
    """Copy the database to ``target`` (a file, or a folder to put a dated copy in), verified, atomically."""
    src_path = Path(source)
    dest = Path(target)
    if str(target).endswith(("/", os.sep)) and not dest.is_dir():
        raise StoreError(f"备份的目标文件夹不存在：{target}")
    if dest.is_dir():
        dest = dest / default_backup_name()
    if not dest.parent.is_dir():
        raise StoreError(f"备份的目标文件夹不存在：{dest.parent}")
    if os.path.lexists(dest):
        if src_path.exists() and os.path.samefile(src_path, dest):
            raise StoreError(f"备份文件不能就是复核数据库本身：{dest}")
        try:
            inspect_database(dest)  # only an earlier backup (a sound fairreview database) is replaced
        except StoreError as exc:
            raise StoreError(
                f"备份目标 {dest} 已存在，且不是完好的 fairreview 复核数据库，未覆盖；请换一个文件名或文件夹"
            ) from exc
    with Store.open(src_path, create=False) as store:
        try:
            with AtomicFiles() as files:
                tmp = files.temp_file(dest)
                copy = sqlite3.connect(tmp)
                try:
                    store.conn.backup(copy)  # a consistent snapshot, even while someone is reviewing
                    expected = _counts(store.conn)
                finally:
                    copy.close()
                _verify(tmp, dest, expected)
                size = os.path.getsize(tmp)
        except sqlite3.DatabaseError as exc:
            raise store.error(exc) from exc
        except OSError as exc:
            raise StoreError(f"无法写入备份 {dest}：{exc.strerror or exc}") from exc
    return BackupResult(dest, expected, size)


def _verify(tmp: Path, dest: Path, expected: dict[str, int]) -> None:
    try:
        inspect_database(tmp)
        conn = sqlite3.connect(tmp.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            problems = integrity_problems(conn)
            got = _counts(conn)
        finally:
            conn.close()
    except StoreError as exc:
        raise StoreError(f"备份 {dest} 校验未通过，未写入：{exc}") from exc
    if problems:
        raise StoreError(f"备份 {dest} 校验未通过，未写入：{'；'.join(problems[:3])}")
    if got != expected:
        raise StoreError(f"备份 {dest} 校验未通过（记录数与原数据库不一致），未写入")
