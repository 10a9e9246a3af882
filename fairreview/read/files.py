"""Which files a scan covers: files and folders, recursive, in a stable order; problems become entries.

Inside folders, hidden files and folders are skipped, and so is what :class:`Exclude` matches: the
gitignore-style :data:`DEFAULT_EXCLUDES` (system litter, Office/WPS lock files, version control, our own
configuration) and the patterns a user adds (``--exclude``, ``exclude`` in the configuration). A file named
on the command line is always scanned.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

# Never documents: matched without regard to case (Windows file names are case-insensitive).
DEFAULT_EXCLUDES: tuple[str, ...] = (
    # thumbnails and folder settings of Windows and macOS, archive and recycle-bin leftovers
    "Thumbs.db", "ehthumbs.db", "desktop.ini", ".DS_Store", "._*", "__MACOSX/", "$RECYCLE.BIN/",
    "System Volume Information/",
    # lock and temporary files of Word, Excel, WPS and LibreOffice while a document is open
    "~$*", ".~lock.*#", "~*.tmp", "~wr*.tmp",
    # version control, fairreview's own folder and configuration files
    ".git/", ".svn/", ".hg/", ".fairreview/", "fairreview.toml", "pyproject.toml",
)


@dataclass(frozen=True)
class Exclude:
    """What the walk leaves out. ``patterns`` are gitignore lines; an anchored one (``/草稿/``, ``a/b.doc``)
    is relative to ``root`` (the configuration file's folder) for files below it, else to the scanned
    folder."""

    patterns: tuple[str, ...] = ()
    root: str | None = None
    _defaults: pathspec.PathSpec = field(init=False, repr=False, compare=False)
    _own: pathspec.PathSpec = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lowered = [p.lower() for p in DEFAULT_EXCLUDES]
        object.__setattr__(self, "_defaults", pathspec.GitIgnoreSpec.from_lines(lowered))
        object.__setattr__(self, "_own", pathspec.GitIgnoreSpec.from_lines(self.patterns))

    def prefix(self, scanned: Path) -> str:
        """The scanned folder relative to ``root`` (``""`` when not below it): what its paths start with."""
        if self.root is None:
            return ""
        try:
            rel = scanned.resolve().relative_to(Path(self.root).resolve())
        except ValueError:
            return ""
        return "" if rel == Path(".") else rel.as_posix() + "/"

    def matches(self, rel: str, is_dir: bool) -> bool:
        """``rel``: the path relative to the anchor, with ``/``."""
        key = rel + "/" if is_dir else rel
        return self._defaults.match_file(key.lower()) or (bool(self.patterns) and self._own.match_file(key))


@dataclass
class Entry:
    path: str
    error: str | None = None  # a problem found while walking (unreadable folder, link loop)


def _sort_key(p: str) -> tuple[str, ...]:
    return tuple(Path(p).parts)


def file_problem(p: Path) -> str | None:
    """Why a path that should be a document file cannot be read, or None. Never opens the file (a FIFO
    would block the scan)."""
    try:
        st = p.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "符号链接形成循环，已跳过"
        if p.is_symlink():
            return "符号链接指向的文件不存在"
        if exc.errno == errno.EACCES:
            return "没有访问权限"
        return None  # "文件不存在" and the like are reported when the file is read
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        return "不是普通文件（设备、管道或套接字），已跳过"
    return None


def walk(paths: list[str], extensions: set[str] | None = None, exclude: Exclude | None = None) -> list[Entry]:
    """Expand folders recursively. Hidden files and folders (``.git``, ``.fairreview``) and what ``exclude``
    matches (default: :data:`DEFAULT_EXCLUDES`) are skipped.

    Files named on the command line are always kept (so an unsupported one is reported); inside folders only
    files with a supported extension (when ``extensions`` is given) are taken.
    """
    exclude = exclude if exclude is not None else Exclude()
    out: list[Entry] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            out.extend(_walk_dir(p, extensions, exclude))
        else:
            out.append(Entry(str(p), error=file_problem(p)))
    return out


def _walk_dir(root: Path, extensions: set[str] | None, exclude: Exclude) -> list[Entry]:
    walker = _Walker(extensions, exclude)
    walker.visit(root, exclude.prefix(root))
    return walker.found


class _Walker:
    """One folder tree, depth first in name order; a folder reached twice (a link loop) is reported once."""

    def __init__(self, extensions: set[str] | None, exclude: Exclude) -> None:
        self.extensions, self.exclude = extensions, exclude
        self.found: list[Entry] = []
        self.seen: set[tuple[int, int]] = set()

    def visit(self, d: Path, rel: str) -> None:
        names = self._names(d)
        for name in names or ():
            if name.startswith("."):
                continue
            child = d / name
            is_dir = child.is_dir()
            if self.exclude.matches(rel + name, is_dir):
                continue
            problem = file_problem(child)
            if problem is not None:
                self.found.append(Entry(str(child), error=problem))
            elif is_dir:
                self.visit(child, rel + name + "/")
            elif self.extensions is None or child.suffix.lower() in self.extensions:
                self.found.append(Entry(str(child)))

    def _names(self, d: Path) -> list[str] | None:
        """The folder's entries in name order, or None (the problem recorded as an entry)."""
        try:
            st = d.stat()
        except OSError as exc:
            self.found.append(Entry(str(d), error=f"无法访问文件夹：{exc.strerror or exc}"))
            return None
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            self.found.append(Entry(str(d), error="符号链接形成循环，已跳过"))
            return None
        self.seen.add(key)
        try:
            return sorted(os.listdir(d))
        except OSError as exc:
            self.found.append(Entry(str(d), error=f"无法读取文件夹：{exc.strerror or exc}"))
            return None


def read_bytes(path: str, max_bytes: int) -> bytes | str:
    """The file's bytes, or a Chinese error message. Never follows a path outside what was given."""
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            return f"文件过大（{size} 字节，上限 {max_bytes} 字节，可用 --max-size 调整）"
        with open(path, "rb") as fh:
            return fh.read(max_bytes + 1)
    except IsADirectoryError:
        return "这是文件夹，不是文件"
    except PermissionError:
        return "没有读取权限"
    except FileNotFoundError:
        return "文件不存在"
    except OSError as exc:
        return f"无法读取文件：{exc.strerror or exc}"
