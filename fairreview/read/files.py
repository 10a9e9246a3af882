"""Which files a scan covers: files and folders, recursive, in a stable order; problems become entries."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path


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


def walk(paths: list[str], extensions: set[str] | None = None) -> list[Entry]:
    """Expand folders recursively. Hidden files and folders (``.git``, ``.fairreview``) are skipped.

    Files named on the command line are always kept (so an unsupported one is reported); inside folders only
    files with a supported extension (when ``extensions`` is given) are taken.
    """
    out: list[Entry] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            out.extend(_walk_dir(p, extensions))
        else:
            out.append(Entry(str(p), error=file_problem(p)))
    return out


def _walk_dir(root: Path, extensions: set[str] | None) -> list[Entry]:
    found: list[Entry] = []
    seen: set[tuple[int, int]] = set()

    def visit(d: Path) -> None:
        try:
            st = d.stat()
        except OSError as exc:
            found.append(Entry(str(d), error=f"无法访问文件夹：{exc.strerror or exc}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            found.append(Entry(str(d), error="符号链接形成循环，已跳过"))
            return
        seen.add(key)
        try:
            names = sorted(os.listdir(d))
        except OSError as exc:
            found.append(Entry(str(d), error=f"无法读取文件夹：{exc.strerror or exc}"))
            return
        for name in names:
            if name.startswith(".") or name.startswith("~$"):
                continue
            child = d / name
            problem = file_problem(child)
            if problem is not None:
                found.append(Entry(str(child), error=problem))
            elif child.is_dir():
                visit(child)
            elif extensions is None or child.suffix.lower() in extensions:
                found.append(Entry(str(child)))

    visit(root)
    return found


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
