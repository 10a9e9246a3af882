"""Rich Text Format (.rtf, and .doc files that are really RTF): striprtf, in the file's code page."""

from __future__ import annotations

import re

from .base import Extracted, ReadError
from .plausible import check_text
from .safety import check_text_size

_ANSICPG = re.compile(rb"\\ansicpg(\d+)")
# RTF code pages Chinese documents use; cp936 is decoded with its superset GB18030
_CODEPAGES = {936: "gb18030", 950: "cp950", 54936: "gb18030", 65001: "utf-8", 1252: "cp1252"}
# what changes the group depth: braces, except escaped ones and those inside \binN binary data
_GROUPING = re.compile(rb"\\bin(\d+) ?|\\[\\{}]|[{}]")
# \uc (how many fallback characters follow each \uN) written without its number; RTF's default is 1, and
# striprtf fails on the bare word
_BARE_UC = re.compile(r"(?<!\\)\\uc(?![A-Za-z0-9-])")


def _unclosed(data: bytes) -> int:
    """Groups still open at the end of the file: a complete RTF closes every group it opens."""
    depth = 0
    pos = 0
    while True:
        m = _GROUPING.search(data, pos)
        if m is None:
            return depth
        token = m.group()
        if m.group(1) is not None:
            pos = m.end() + int(m.group(1))
            continue
        if token == b"{":
            depth += 1
        elif token == b"}":
            depth -= 1
            if depth == 0:
                return 0  # the document group is closed; anything after it is not RTF
        pos = m.end()


def read_rtf(data: bytes, name: str) -> Extracted:
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise ReadError("不是有效的 RTF 文件（缺少 {\\rtf 文件头）")
    if _unclosed(data):
        raise ReadError("RTF 文件不完整（结尾缺失，可能未完整保存或复制），部分内容可能已丢失")
    m = _ANSICPG.search(data[:4096])
    encoding = _CODEPAGES.get(int(m.group(1)), "cp1252") if m else "cp1252"
    try:
        raw = data.decode("ascii")  # RTF is 7-bit: non-ASCII text is escaped as \'hh or \uN
    except UnicodeDecodeError:
        raw = data.decode(encoding, errors="replace")
    raw = _BARE_UC.sub(r"\\uc1", raw)
    try:
        text = rtf_to_text(raw, encoding=encoding, errors="replace")
    except (ValueError, TypeError, IndexError, LookupError, RecursionError, OverflowError) as exc:
        raise ReadError(f"RTF 文件损坏：{type(exc).__name__}") from exc
    lines = [ln.rstrip() for ln in text.replace("\r", "").split("\n")]
    text = "\n".join(lines).strip("\n")
    check_text_size(text, "RTF")
    check_text(text)
    return Extracted(text=text, format="rtf", encoding=encoding)
