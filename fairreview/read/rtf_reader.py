"""Rich Text Format (.rtf, and .doc files that are really RTF): striprtf, in the file's code page."""

from __future__ import annotations

import re

from .base import Extracted, ReadError
from .safety import check_text_size
from .text import check_text

_ANSICPG = re.compile(rb"\\ansicpg(\d+)")
# RTF code pages Chinese documents use; cp936 is decoded with its superset GB18030
_CODEPAGES = {936: "gb18030", 950: "cp950", 54936: "gb18030", 65001: "utf-8", 1252: "cp1252"}


def read_rtf(data: bytes, name: str) -> Extracted:
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise ReadError("不是有效的 RTF 文件（缺少 {\\rtf 文件头）")
    m = _ANSICPG.search(data[:4096])
    encoding = _CODEPAGES.get(int(m.group(1)), "cp1252") if m else "cp1252"
    try:
        raw = data.decode("ascii")  # RTF is 7-bit: non-ASCII text is escaped as \'hh or \uN
    except UnicodeDecodeError:
        raw = data.decode(encoding, errors="replace")
    try:
        text = rtf_to_text(raw, encoding=encoding, errors="replace")
    except (ValueError, IndexError, LookupError, RecursionError, OverflowError) as exc:
        raise ReadError(f"RTF 文件损坏：{type(exc).__name__}") from exc
    lines = [ln.rstrip() for ln in text.replace("\r", "").split("\n")]
    text = "\n".join(lines).strip("\n")
    check_text_size(text, "RTF")
    check_text(text)
    return Extracted(text=text, format="rtf", encoding=encoding)
