"""Which files a scan covers: files and folders, recursive, in a stable order; problems become entries.

Inside folders, hidden files and folders are skipped, and so is what :class:`Exclude` matches: the
gitignore-style :data:`DEFAULT_EXCLUDES` (system litter, Office/WPS lock files, version control, our own
configuration) and the patterns a user adds (``--exclude``, ``exclude`` in the configuration). A file named
on the command line is always scanned.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
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


def _literal_start(pattern: str) -> str:
    """What every name a gitignore pattern of one path component matches starts with (lower case)."""
    name = pattern.rstrip("/").lower()
    for i, ch in enumerate(name):
        if ch in "*?[\\":
            return name[:i]
    return name


#: a path can match a default only if one of its parts starts so (patterns of one part match any part)
_DEFAULT_STARTS = tuple(sorted({_literal_start(p) for p in DEFAULT_EXCLUDES}))


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a gitignore line the walk can use (``!`` alone, a trailing ``\\``, a range such as
    ``[z-a]``), or None."""
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except (ValueError, re.error) as exc:  # pathspec's pattern error is a ValueError
        return str(exc)
    return None


@dataclass(frozen=True)
class Exclude:
    """What the walk leaves out. ``patterns`` are gitignore lines; an anchored one (``/草稿/``, ``a/b.doc``)
    is relative to ``root`` (the configuration file's folder) for files below it, else to the scanned
    folder. The gitignore matcher (pathspec, 8 ms to import) is built when a path could match: most scans
    have no patterns of their own and no file whose name starts like a default."""

    patterns: tuple[str, ...] = ()
    root: str | None = None
    _specs: list[pathspec.PathSpec] = field(default_factory=list, init=False, repr=False, compare=False)

    def _spec(self, which: int) -> pathspec.PathSpec:
        """0: the defaults (lower case); 1: ``patterns``."""
        if not self._specs:
            import pathspec

            self._specs.append(pathspec.GitIgnoreSpec.from_lines([p.lower() for p in DEFAULT_EXCLUDES]))
            self._specs.append(pathspec.GitIgnoreSpec.from_lines(self.patterns))
        return self._specs[which]

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
        low = key.lower()
        default = any(part.startswith(_DEFAULT_STARTS) for part in low.split("/")) and self._spec(0).match_file(low)
        return default or (bool(self.patterns) and self._spec(1).match_file(key))


@dataclass
class Entry:
    path: str
    error: str | None = None  # a problem found while walking (unreadable folder, link loop, link outside)


def _sort_key(p: str) -> tuple[str, ...]:
    return tuple(Path(p).parts)


NOT_REGULAR = "不是普通文件（设备、管道或套接字），已跳过"


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
        return NOT_REGULAR
    return None


def _own_mode(p: Path) -> int | None:
    """The mode of ``p`` when it is not a symbolic link (and can be looked at), else None."""
    try:
        mode = os.lstat(p).st_mode
    except OSError:
        return None
    return None if stat.S_ISLNK(mode) else mode


def walk(paths: list[str], extensions: set[str] | None = None, exclude: Exclude | None = None,
         follow_links: bool = False) -> list[Entry]:
    """Expand folders recursively. Hidden files and folders (``.git``, ``.fairreview``) and what ``exclude``
    matches (default: :data:`DEFAULT_EXCLUDES`) are skipped.

    Files named on the command line are always kept (so an unsupported one is reported); inside folders only
    files with a supported extension (when ``extensions`` is given) are taken. A symbolic link that leads
    outside the given folders (for a file named directly: outside its own folder) is not followed but
    reported as an entry with an error, unless ``follow_links``. The walk is iterative: no depth limit.
    """
    exclude = exclude if exclude is not None else Exclude()
    roots = _roots(paths)
    out: list[Entry] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            out.extend(_walk_dir(p, extensions, exclude, _Links(roots, follow_links)))
        else:
            out.append(Entry(str(p), error=file_problem(p) or _Links(roots, follow_links).outside(p)))
    return out


def _roots(paths: list[str]) -> list[str]:
    """Where links may lead: every given folder, and the folder of every given file (all resolved)."""
    return [os.path.realpath(p if Path(p).is_dir() else Path(p).parent) for p in paths]


@dataclass(frozen=True)
class _Links:
    roots: list[str]
    follow: bool = False

    def outside(self, p: Path) -> str | None:
        """Why a symbolic link is not followed (it leads outside every root), or None."""
        if self.follow or not p.is_symlink():
            return None
        target = os.path.realpath(p)
        if any(target == r or target.startswith(r.rstrip(os.sep) + os.sep) for r in self.roots):
            return None
        return f"符号链接指向被排查的文件夹之外（{target}），未读取；确需排查时加 --follow-links"


def _walk_dir(root: Path, extensions: set[str] | None, exclude: Exclude, links: _Links) -> list[Entry]:
    walker = _Walker(extensions, exclude, links)
    walker.walk(root, exclude.prefix(root))
    return walker.found


class _Walker:
    """One folder tree, depth first in name order (iteratively: a tree 1,000 folders deep is walked like any
    other); a folder reached twice (a link loop) is reported once."""

    def __init__(self, extensions: set[str] | None, exclude: Exclude, links: _Links) -> None:
        self.extensions, self.exclude, self.links = extensions, exclude, links
        self.found: list[Entry] = []
        self.seen: set[tuple[int, int]] = set()

    def walk(self, root: Path, rel: str) -> None:
        # one iterator of (child, its relative path) per open folder: the order of a recursive walk
        stack: list[Iterator[tuple[Path, str]]] = []
        self._enter(stack, root, rel)
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
                continue
            child, child_rel = item
            mode = _own_mode(child)
            if mode is not None:  # not a link: one lstat says all that file_problem and outside would
                is_dir = stat.S_ISDIR(mode)
                if self.exclude.matches(child_rel, is_dir):
                    continue
                problem = None if is_dir or stat.S_ISREG(mode) else NOT_REGULAR
            else:
                is_dir = child.is_dir()
                if self.exclude.matches(child_rel, is_dir):
                    continue
                problem = file_problem(child) or self.links.outside(child)
            if problem is not None:
                self.found.append(Entry(str(child), error=problem))
            elif is_dir:
                self._enter(stack, child, child_rel + "/")
            elif self.extensions is None or child.suffix.lower() in self.extensions:
                self.found.append(Entry(str(child)))

    def _enter(self, stack: list[Iterator[tuple[Path, str]]], d: Path, rel: str) -> None:
        names = self._names(d)
        if names is not None:
            stack.append(iter([(d / n, rel + n) for n in names if not n.startswith(".")]))

    def _names(self, d: Path) -> list[str] | None:
        """The folder's entries in name order, or None (the problem recorded as an entry)."""
        try:
            st = d.stat()
        except OSError as exc:
            self.found.append(Entry(str(d), error=f"无法访问文件夹：{os_reason(exc)}"))
            return None
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            self.found.append(Entry(str(d), error="符号链接形成循环，已跳过"))
            return None
        self.seen.add(key)
        try:
            return sorted(os.listdir(d))
        except OSError as exc:
            self.found.append(Entry(str(d), error=f"无法读取文件夹：{os_reason(exc)}"))
            return None


_REASONS = {
    errno.EACCES: "没有访问权限", errno.EPERM: "没有访问权限", errno.ENOENT: "不存在（可能已被移动或删除）",
    errno.ENAMETOOLONG: "路径过长", errno.ELOOP: "符号链接形成循环", errno.EIO: "读写错误（磁盘或网络文件系统故障）",
    errno.ENOTDIR: "路径中的某一级不是文件夹", errno.EMFILE: "打开的文件过多", errno.ENFILE: "打开的文件过多",
    errno.ENOMEM: "内存不足", errno.ETIMEDOUT: "网络文件系统超时", errno.ESTALE: "网络文件系统的文件句柄已失效",
}


def os_reason(exc: OSError) -> str:
    """The reason of an operating-system error in Chinese (the C library's text is English)."""
    reason = _REASONS.get(exc.errno or 0)
    if reason is not None:
        return reason
    return f"系统错误 {errno.errorcode.get(exc.errno or 0, exc.errno)}" if exc.errno else "系统错误"


def read_bytes(path: str, max_bytes: int) -> bytes | str:
    """The file's bytes, or a Chinese error message. Never follows a path outside what was given."""
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            return f"文件过大（{size} 字节，上限 {max_bytes} 字节，可用 --max-size 调整）"
        with open(path, "rb") as fh:
            # as many bytes as it has (a buffer of max_bytes for every small file costs 3× the read)
            data = fh.read(size + 1)
            if size < len(data) <= max_bytes:  # it grew meanwhile: on up to the limit, as one read would
                data += fh.read(max_bytes + 1 - len(data))
            return data
    except IsADirectoryError:
        return "这是文件夹，不是文件"
    except PermissionError:
        return "没有读取权限"
    except FileNotFoundError:
        return "文件不存在"
    except OSError as exc:
        return f"无法读取文件：{os_reason(exc)}"
