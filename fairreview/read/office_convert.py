"""Word 97–2003 (.doc) and Kingsoft WPS (.wps) binaries: the pure Python reader first, converters as a fallback.

Which path and why: :mod:`.word97` reads every Word 97–2003 binary (and the .wps files WPS Office writes in
that format) on any machine, in milliseconds, with the same text wherever it runs — the same document gives
the same findings and offsets on the clerk's PC and on a server, with or without extra software. LibreOffice
(``apt-get install -y libreoffice-writer-nogui``) or antiword/catdoc are used only for what that reader does not
decode: Word 6.0/95 files and .wps files of other programs (Microsoft Works, pre-2005 WPS formats).

A converter works on a copy in a private temporary folder (never next to the input), in its own process
group that is killed whole on every way out (time-out, error, Ctrl-C), with its output capped
(:class:`~.limits.ReadLimits`); the folder and the copy are removed before the call returns.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from .base import Extracted, ReadError
from .limits import current
from .plausible import check_text
from .safety import check_ole_encryption
from .word97 import UnsupportedWord, read_word97

INSTALL_HINT = "apt-get install -y libreoffice-writer-nogui"
_POLL_S = 0.05


def soffice_path() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """End the converter and every helper it started (LibreOffice forks oosplash → soffice.bin)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.wait(timeout=5)


def _tail(path: Path, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, path.stat().st_size - size))
            return fh.read()
    except OSError:
        return b""


def _run(cmd: list[str], cwd: str, timeout: float, watch: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run a converter in its own session; stdout/stderr go to files in ``cwd`` whose size (and that of
    ``watch``, a folder the converter writes into) is capped while it runs."""
    limit = current().converter_output_bytes
    tool = cmd[0].rsplit("/", 1)[-1]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TMPDIR")}
    env.update(HOME=cwd, LANG=env.get("LANG", "C.UTF-8"))
    out_path, err_path = Path(cwd, ".stdout"), Path(cwd, ".stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None:
            if time.monotonic() > deadline:
                raise ReadError(f"格式转换超时（{tool}，{timeout:.0f} 秒），文件可能已损坏")
            written = out_path.stat().st_size + err_path.stat().st_size
            if watch is not None and watch.is_dir():
                written += sum(p.stat().st_size for p in watch.iterdir() if p.is_file())
            if written > limit:
                raise ReadError(f"格式转换的输出超过 {limit // (1024 * 1024)} MB（{tool}），疑似恶意文件，已停止")
            time.sleep(_POLL_S)
    finally:
        _kill_group(proc)  # also on success: a helper may outlive the process we started
    if out_path.stat().st_size > limit:
        raise ReadError(f"格式转换的输出超过 {limit // (1024 * 1024)} MB（{tool}），疑似恶意文件，已停止")
    return subprocess.CompletedProcess(cmd, proc.returncode, out_path.read_bytes(), _tail(err_path))


def _with_soffice(soffice: str, data: bytes, ext: str, fmt: str) -> Extracted:
    from .docx_reader import read_docx

    with tempfile.TemporaryDirectory(prefix="fairreview-convert-") as tmp:
        src = Path(tmp, "input" + ext)
        src.write_bytes(data)
        out_dir = Path(tmp, "out")
        out_dir.mkdir()
        profile = Path(tmp, "profile").as_uri()  # a private profile: parallel conversions do not collide
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(src)]
        proc = _run(cmd, tmp, current().converter_timeout_s, watch=out_dir)
        produced = out_dir / "input.docx"
        if not produced.exists() or produced.stat().st_size == 0:
            # LibreOffice's own words (English, with the path of our temporary copy) say nothing more to a reader
            raise ReadError(f"LibreOffice 无法转换该 {fmt} 文件（退出码 {proc.returncode}），文件可能已损坏")
        converted = produced.read_bytes()
    ex = read_docx(converted, "input.docx", fmt=fmt)
    ex.hints["converter"] = "libreoffice"
    return ex


def _with_cli(tool: str, data: bytes, ext: str, fmt: str) -> Extracted:
    args = {"antiword": ["-m", "UTF-8.txt", "-w", "0"], "catdoc": ["-d", "utf-8", "-w"]}[Path(tool).name]
    with tempfile.TemporaryDirectory(prefix="fairreview-convert-") as tmp:
        src = Path(tmp, "input" + ext)
        src.write_bytes(data)
        proc = _run([tool, *args, str(src)], tmp, min(current().converter_timeout_s, 60))
    text = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0 or not text.strip():
        raise ReadError(f"{Path(tool).name} 无法读取该 {fmt} 文件")
    check_text(text)
    # antiword/catdoc fall back to "?" for characters they cannot map; refuse a lossy text
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if text.count("?") > max(5, cjk // 20):
        raise ReadError(f"{Path(tool).name} 读出的文字不完整（大量无法识别的字符）")
    lines = [ln.rstrip() for ln in text.replace("\r", "").split("\n")]
    return Extracted(text="\n".join(lines).strip("\n"), format=fmt, hints={"converter": Path(tool).name})


def convert(data: bytes, fmt: str, why: str) -> Extracted:
    """Read with whichever converter is installed; ``why`` says why the pure reader could not."""
    errors: list[str] = []
    soffice = soffice_path()
    if soffice:
        try:
            return _with_soffice(soffice, data, ".doc", fmt)
        except ReadError as exc:
            errors.append(str(exc))
    for tool in ("antiword", "catdoc"):
        found = shutil.which(tool)
        if found:
            try:
                return _with_cli(found, data, ".doc", fmt)
            except ReadError as exc:
                errors.append(str(exc))
    if errors:
        raise ReadError(f"{why}；" + "；".join(errors))
    raise ReadError(f"{why}（安装 LibreOffice 后可自动转换：{INSTALL_HINT}）")


def read_ole_word(data: bytes, name: str) -> Extracted:
    """An OLE compound Word binary (.doc, or .wps written by WPS Office)."""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ".doc"
    fmt = ext.lstrip(".") or "doc"
    names = check_ole_encryption(data)
    if "WordDocument" not in names:
        if fmt == "wps":
            why = ("该 .wps 文件不是 Word 97–2003 兼容格式（可能是 Microsoft Works 文档或 WPS 2005 以前的旧格式），"
                   "请用 WPS Office 打开后另存为 .docx")
        else:
            why = f"{fmt} 文件不是 Word 文档（OLE 包中没有 WordDocument 流），可能是其他格式改了扩展名"
        if fmt != "wps":
            raise ReadError(why)
        return convert(data, fmt, why)
    try:
        return read_word97(data, name, fmt=fmt)
    except UnsupportedWord as exc:
        return convert(data, fmt, str(exc))
