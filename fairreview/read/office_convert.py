"""Word 97–2003 (.doc) and Kingsoft WPS (.wps) binaries: LibreOffice headless, else antiword/catdoc.

Install the converter with ``apt-get install -y libreoffice-writer-nogui`` (Debian/Ubuntu; antiword and
catdoc are lighter fallbacks: ``apt-get install -y antiword catdoc``). Conversion copies the bytes into a
private temporary folder, runs with a time limit in its own process group (killed whole on time-out), and
never writes next to the input file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .base import Extracted, ReadError
from .safety import check_ole_encryption
from .text import check_text

TIMEOUT_S = float(os.environ.get("FAIRREVIEW_CONVERT_TIMEOUT", "120"))
INSTALL_HINT = "apt-get install -y libreoffice-writer-nogui"


def soffice_path() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(cmd: list[str], cwd: str, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run a converter in its own session so a time-out kills LibreOffice and every helper it started."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TMPDIR")}
    env.update(HOME=cwd, LANG=env.get("LANG", "C.UTF-8"))
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        tool = cmd[0].rsplit("/", 1)[-1]
        raise ReadError(f"格式转换超时（{tool}，{timeout:.0f} 秒），文件可能已损坏") from exc
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


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
        proc = _run(cmd, tmp, TIMEOUT_S)
        produced = out_dir / "input.docx"
        if not produced.exists() or produced.stat().st_size == 0:
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            why = f"：{detail[-1]}" if detail else ""
            raise ReadError(f"LibreOffice 无法转换该 {fmt} 文件，文件可能已损坏{why}")
        converted = produced.read_bytes()
    ex = read_docx(converted, "input.docx", fmt=fmt)
    ex.hints["converter"] = "libreoffice"
    return ex


def _with_cli(tool: str, data: bytes, ext: str, fmt: str) -> Extracted:
    args = {"antiword": ["-m", "UTF-8.txt", "-w", "0"], "catdoc": ["-d", "utf-8", "-w"]}[Path(tool).name]
    with tempfile.TemporaryDirectory(prefix="fairreview-convert-") as tmp:
        src = Path(tmp, "input" + ext)
        src.write_bytes(data)
        proc = _run([tool, *args, str(src)], tmp, min(TIMEOUT_S, 60))
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


def read_ole_word(data: bytes, name: str) -> Extracted:
    """An OLE compound Word binary (.doc, or .wps written by WPS Office)."""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ".doc"
    fmt = ext.lstrip(".") or "doc"
    names = check_ole_encryption(data)
    if "WordDocument" not in names:
        raise ReadError(f"{fmt} 文件不是 Word 文档（OLE 包中没有 WordDocument 流），可能是其他格式改了扩展名")
    soffice = soffice_path()
    errors: list[str] = []
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
        raise ReadError("；".join(errors))
    raise ReadError(f"读取 {fmt} 需要 LibreOffice（安装：{INSTALL_HINT}）或 antiword，本机均未安装")
