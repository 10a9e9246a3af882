"""Output files written whole or not at all.

Every file fairreview writes for a user (the ledger, ``scan -o``, a report, a database backup) is first
written to a temporary file in the same folder, flushed to the disk (fsync), and then renamed over the target
with ``os.replace``, which is atomic on POSIX and Windows. On any error (a full disk, Ctrl-C, an exception
while rendering) the temporary file is removed and the previous file, if any, is left exactly as it was.

Several files that belong together (the two CSV files of a ledger) are prepared together and only renamed
once all of them are complete.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

TEMP_SUFFIX = ".tmp"


def temp_path_for(target: Path) -> Path:
    """A fresh name beside the target; hidden, so a half-written file is not mistaken for output."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def _create_temp(target: Path) -> tuple[Path, int]:
    for _ in range(100):
        tmp = temp_path_for(target)
        try:
            # 0o666 and the user's umask, like any file the user creates (mkstemp would make it 0600)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        return tmp, fd
    raise FileExistsError(f"无法在 {target.parent} 中创建临时文件")


def _raw_file(fd: int) -> io.RawIOBase:
    """The unbuffered file the output goes to (a seam for tests that simulate a full disk)."""
    return io.FileIO(fd, "wb", closefd=True)


def fsync_directory(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) refuse fsync on folders; the data itself is synced
    finally:
        os.close(fd)


def _keep_mode(target: Path, tmp: Path) -> None:
    """A replaced file keeps its permission bits."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


class AtomicFiles:
    """Output files that appear together, each complete, or not at all.

    >>> with AtomicFiles() as files:
    ...     with files.open("a.csv", "w", encoding="utf-8-sig", newline="") as fh:
    ...         fh.write("…")
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []  # (temporary file, target)
        self._unsynced: set[Path] = set()  # temporary files written by name, by another library
        self._open: list[IO[Any]] = []

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def temp_file(self, target: str | Path) -> Path:
        """A temporary path (an empty file already made) for writers that want a name (SQLite backup);
        it replaces ``target`` on commit."""
        target = Path(target)
        tmp, fd = _create_temp(target)
        os.close(fd)
        self._pending.append((tmp, target))
        self._unsynced.add(tmp)
        return tmp

    @contextlib.contextmanager
    def open(
        self,
        target: str | Path,
        mode: str = "wb",
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> Iterator[IO[Any]]:
        if mode not in ("w", "wb", "wt"):
            raise ValueError(f"AtomicFiles.open writes new files only, not mode {mode!r}")
        target = Path(target)
        tmp, fd = _create_temp(target)
        self._pending.append((tmp, target))
        try:
            raw = _raw_file(fd)
        except BaseException:
            os.close(fd)
            raise
        buffered = io.BufferedWriter(raw)
        fh: IO[Any]
        if "b" in mode:
            fh = buffered
        else:
            fh = io.TextIOWrapper(buffered, encoding=encoding or "utf-8", errors=errors, newline=newline)
        self._open.append(fh)
        try:
            yield fh
            fh.flush()
            os.fsync(raw.fileno())
        finally:
            self._open.remove(fh)
            fh.close()  # closes the file descriptor even when the last flush fails (a full disk)

    def commit(self) -> None:
        """Rename every prepared file over its target (after syncing any written by name)."""
        try:
            for tmp in self._unsynced:
                fsync_file(tmp)
            for tmp, target in self._pending:
                _keep_mode(target, tmp)
                os.replace(tmp, target)
            for folder in {target.parent for _, target in self._pending}:
                fsync_directory(folder)
        except BaseException:
            self.abort()
            raise
        self._pending.clear()
        self._unsynced.clear()

    def abort(self) -> None:
        for fh in self._open:
            with contextlib.suppress(Exception):
                fh.close()
        self._open.clear()
        for tmp, _ in self._pending:
            _remove(tmp)
            for side in ("-journal", "-wal", "-shm"):  # a SQLite temporary leaves these on a crash
                _remove(tmp.with_name(tmp.name + side))
        self._pending.clear()
        self._unsynced.clear()


def fsync_file(path: Path) -> None:
    """Flush a closed file to the disk (read-write: Windows refuses fsync on a read-only handle)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_open(
    target: str | Path,
    mode: str = "wb",
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """One output file, written whole or not at all (see the module docstring)."""
    with AtomicFiles() as files, files.open(target, mode, encoding, errors, newline) as fh:
        yield fh


def write_text(target: str | Path, text: str, encoding: str = "utf-8", errors: str | None = None) -> None:
    with atomic_open(target, "w", encoding=encoding, errors=errors, newline="") as fh:
        fh.write(text)


def write_bytes(target: str | Path, data: bytes) -> None:
    with atomic_open(target, "wb") as fh:
        fh.write(data)
