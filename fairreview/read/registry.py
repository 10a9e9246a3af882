"""One registry of readers: extension → reader, with content sniffing for files that lie about their type."""

from __future__ import annotations

from collections.abc import Callable

from .base import Extracted, ReadError
from .docx_reader import read_docx
from .html_reader import read_html
from .text import read_text

Reader = Callable[[bytes, str], Extracted]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".html": read_html,
    ".htm": read_html,
}

#: Extensions a later reader may handle; listed so the message can say so.
KNOWN_UNSUPPORTED: dict[str, str] = {}


def register(ext: str, reader: Reader) -> None:
    READERS[ext.lower()] = reader


def sniff(data: bytes) -> str | None:
    """The format the bytes really are, where the magic number says so."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    lower = data[:1024].lstrip().lower()
    if lower.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def extract(data: bytes, name: str) -> Extracted:
    """Read one document's bytes. Raises ReadError with a Chinese reason."""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    reader = READERS.get(ext)
    if reader is None:
        raise ReadError(f"不支持的文件格式：{ext or '（无扩展名）'}")
    if ext in (".txt", ".md"):
        kind = sniff(data)
        if kind in ("zip", "ole", "pdf"):
            raise ReadError(f"扩展名为 {ext}，但内容是二进制文件（{kind}），不是文本")
    return reader(data, name)


def supported_extensions() -> list[str]:
    return sorted(READERS)
