"""Plain text (.txt, .md): UTF-8 (with or without BOM), GB18030/GBK, Big5 — detected and reported."""

from __future__ import annotations

import codecs

from .base import Extracted, ReadError
from .plausible import check_text

# Encodings a Chinese government text file is realistically saved in, mapped to the codec we decode with.
_CHINESE = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "big5": "big5",
    "big5hkscs": "big5hkscs",
    "cp950": "cp950",
}



def _by_mark(data: bytes) -> tuple[str, str]:
    """A file that opens with a byte-order mark: the mark names the encoding, and bytes that break it are
    damage, not another encoding to guess."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ReadError(f"文件以 UTF-8 标记（BOM）开头，但第 {exc.start + 3} 字节起不是有效的 UTF-8："
                            "文件已损坏或不是文本") from exc
    try:
        return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as exc:
        raise ReadError(f"UTF-16 解码失败：{exc.reason}") from exc


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise ReadError."""
    if not data.strip():
        raise ReadError("文件为空")
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _by_mark(data)
    if b"\x00" in data[:4096]:
        raise ReadError("内容含有空字节（NUL），是二进制文件而不是文本")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # a UTF-8 file cut inside its last character (a truncated copy) is still UTF-8, not GB18030 mojibake
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[:exc.start].decode("utf-8"), "utf-8"
    from charset_normalizer import from_bytes  # imported here: a UTF-8 file never needs it

    best = from_bytes(data[:65536]).best()
    guess = best.encoding.lower().replace("_", "") if best else ""
    codec = _CHINESE.get(guess)
    candidates = [codec] if codec else []
    candidates += [c for c in ("gb18030", "big5") if c not in candidates]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文本编码（不是 UTF-8、GB18030/GBK 或 Big5）")


def read_text(data: bytes, name: str) -> Extracted:
    text, encoding = decode(data)
    check_text(text)
    fmt = "md" if name.lower().endswith(".md") else "txt"
    return Extracted(text=text, format=fmt, encoding=encoding)
