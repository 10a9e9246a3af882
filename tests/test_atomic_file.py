"""Output files are written whole or not at all: temporary file beside the target, fsync, os.replace."""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fairreview import atomic_file
from fairreview.atomic_file import AtomicFiles, atomic_open, write_text
from fairreview.cli import main


class FullDisk(io.RawIOBase):
    def __init__(self, fd: int, room: int):
        self.inner = io.FileIO(fd, "wb", closefd=True)
        self.room = room

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = self.inner.write(bytes(b)[: self.room]) or 0
        self.room -= n
        return n

    def fileno(self) -> int:
        return self.inner.fileno()

    def close(self) -> None:
        self.inner.close()
        super().close()


def full_disk_after(monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    monkeypatch.setattr(atomic_file, "_raw_file", lambda fd: FullDisk(fd, room))


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_replaces_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "报告.json"
    out.write_text("旧", encoding="utf-8")
    os.chmod(out, 0o640)
    write_text(out, "新的内容\n" * 1000)
    assert out.read_text(encoding="utf-8") == "新的内容\n" * 1000
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # a replaced file keeps its permissions
    assert listing(tmp_path) == ["报告.json"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644  # not mkstemp's 0600


def test_an_error_while_writing_keeps_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "台账.csv"
    out.write_bytes(b"last good")
    with pytest.raises(RuntimeError), atomic_open(out, "w", encoding="utf-8") as fh:
        fh.write("half")
        raise RuntimeError("rendering failed")
    assert out.read_bytes() == b"last good"
    assert listing(tmp_path) == ["台账.csv"]


@pytest.mark.parametrize("room", [0, 10, 5000])
def test_a_full_disk_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    out = tmp_path / "out.json"
    out.write_bytes(b'{"ok": true}')
    full_disk_after(monkeypatch, room)
    with pytest.raises(OSError) as info:
        write_text(out, "数据" * 100_000)
    assert info.value.errno == errno.ENOSPC
    assert out.read_bytes() == b'{"ok": true}'
    assert listing(tmp_path) == ["out.json"]


def test_files_that_belong_together_are_replaced_together(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("A0")
    b.write_text("B0")
    with pytest.raises(RuntimeError), AtomicFiles() as files:
        with files.open(a, "w") as fh:
            fh.write("A1")
        with files.open(b, "w") as fh:
            fh.write("B1")
            raise RuntimeError("second failed")
    assert (a.read_text(), b.read_text()) == ("A0", "B0")  # not one new and one old
    assert listing(tmp_path) == ["a.csv", "b.csv"]
    with AtomicFiles() as files:
        for path, text in ((a, "A2"), (b, "B2")):
            with files.open(path, "w") as fh:
                fh.write(text)
    assert (a.read_text(), b.read_text()) == ("A2", "B2")


def test_scan_output_on_a_full_disk_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("某县关于做好秋冬季森林防火工作的通知\n\n一、加强火源管控。\n二、落实值班制度。\n",
                                encoding="utf-8")
    out = tmp_path / "report.json"
    runner = CliRunner()
    first = runner.invoke(main, ["scan", str(docs), "--format", "json", "-o", str(out)])
    assert first.exit_code == 0, first.output
    good = out.read_bytes()
    assert good.startswith(b"{")
    full_disk_after(monkeypatch, 100)
    res = runner.invoke(main, ["scan", str(docs), "--format", "json", "-o", str(out)])
    assert res.exit_code == 2
    assert "无法写入" in res.output and "原有的文件未被改动" in res.output
    assert out.read_bytes() == good
    assert listing(tmp_path) == ["docs", "report.json"]
