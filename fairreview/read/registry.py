"""One registry of readers: extension → reader, with content sniffing for files that lie about their type.

The extension says what a district *thinks* a file is; the first bytes say what it is. Real ``.wps`` files are
either the Word 97 OLE binary or OOXML; a ``.doc`` is often RTF, HTML ("save as web page") or even a docx.
Document extensions are therefore routed by their content; ``.txt``/``.md`` that hold binary data are refused.
Whatever reader ran, its text passes one gate (:mod:`.plausible`) before anyone reviews it, within the budgets
of :class:`~.limits.ReadLimits`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from . import plausible
from .base import Extracted, ReadError
from .docx_reader import read_docx
from .html_reader import read_html
from .limits import ReadLimits, using
from .ofd_reader import read_ofd
from .office_convert import read_ole_word
from .pdf_reader import read_pdf
from .rtf_reader import read_rtf
from .safety import check_ole_encryption
from .text import read_text
from .xls_reader import read_xls
from .xlsx_reader import read_xlsx

Reader = Callable[[bytes, str], Extracted]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".doc": read_ole_word,
    ".wps": read_ole_word,
    ".pdf": read_pdf,
    ".ofd": read_ofd,
    ".rtf": read_rtf,
    ".xlsx": read_xlsx,
    ".et": read_xlsx,
    ".xls": read_xls,
    ".html": read_html,
    ".htm": read_html,
}

#: Extensions a district may keep that are not read; the message says what to do instead.
KNOWN_UNSUPPORTED: dict[str, str] = {
    ".ppt": "演示文稿不在审查范围内",
    ".pptx": "演示文稿不在审查范围内",
    ".dps": "演示文稿不在审查范围内",
    ".zip": "压缩包请先解压后再排查",
    ".rar": "压缩包请先解压后再排查",
    ".7z": "压缩包请先解压后再排查",
    ".mht": "网页存档（.mht）暂不支持，请另存为 .html 或 .docx",
    ".jpg": "图片没有文字层，需先 OCR",
    ".png": "图片没有文字层，需先 OCR",
    ".tif": "图片没有文字层，需先 OCR",
}

#: Word-processor extensions whose content decides the reader.
_WORD_EXTS = {".doc", ".docx", ".wps"}
_SHEET_EXTS = {".xlsx", ".et", ".xls"}
_DOCUMENT_EXTS = _WORD_EXTS | _SHEET_EXTS | {".pdf", ".ofd", ".rtf", ".html", ".htm"}


def register(ext: str, reader: Reader) -> None:
    READERS[ext.lower()] = reader


def sniff(data: bytes) -> str | None:
    """The format the bytes really are, where the magic number says so."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:16].lstrip().startswith(b"{\\rtf"):
        return "rtf"
    lower = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lower.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def zip_kind(data: bytes) -> str | None:
    """Which document a zip package holds: docx, xlsx, ofd — or None."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return None  # the format's reader opens it again and says what is wrong
    lower = {n.lower() for n in names}
    if "word/document.xml" in lower:
        return "docx"
    if "xl/workbook.xml" in lower:
        return "xlsx"
    if "ofd.xml" in lower:
        return "ofd"
    if "encryptedpackage" in lower:
        return "encrypted"
    return None


def _ext(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _by_content(data: bytes, name: str, ext: str) -> Extracted:
    """Read a document by what its first bytes say it is, within what its extension allows."""
    kind = sniff(data)
    if kind == "zip":
        return _from_zip(data, name, ext)
    if kind == "ole":
        return _from_ole(data, name, ext)
    if kind == "pdf":
        return _from_pdf(data, name, ext)
    if kind == "rtf" and ext in _WORD_EXTS | {".rtf"}:
        return read_rtf(data, name)
    if kind == "html" and ext in _WORD_EXTS | _SHEET_EXTS | {".html", ".htm"}:
        return _from_html(data, name, ext)
    return _without_magic(data, name, ext)


#: the format a docx inside a Word name is reported as, where it is not the extension itself
_DOCX_FORMAT = {".doc": "doc(docx)"}


def _from_zip(data: bytes, name: str, ext: str) -> Extracted:
    """A zip package: the docx, workbook or OFD inside it, each under an extension of its own kind only."""
    inner = zip_kind(data)
    if inner == "docx" and ext in _WORD_EXTS:
        return read_docx(data, name, fmt=_DOCX_FORMAT.get(ext, ext.lstrip(".")))
    if inner == "xlsx" and ext in _SHEET_EXTS:
        return read_xlsx(data, name, fmt=ext.lstrip("."))
    if inner == "ofd" and ext == ".ofd":
        return read_ofd(data, name)
    if inner == "encrypted":
        raise ReadError("文件已加密或设有密码，无法读取")
    if inner is None and ext in (".docx", ".xlsx", ".et", ".ofd", ".wps"):
        # broken zip or a zip of something else: let the format's reader say which
        return READERS[ext](data, name)
    raise ReadError(f"扩展名为 {ext}，但内容是 {inner or '其他'} 压缩包，不是该格式的文件")


def _from_ole(data: bytes, name: str, ext: str) -> Extracted:
    """An OLE compound file: a Word or Excel binary by the streams it holds (encrypted ones are refused)."""
    names = check_ole_encryption(data)
    if "WordDocument" in names and ext in _WORD_EXTS:
        return read_ole_word(data, name if ext != ".docx" else name + ".doc")
    if ("Workbook" in names or "Book" in names) and ext in _SHEET_EXTS:
        return read_xls(data, name, fmt=ext.lstrip("."))
    if ext == ".wps":  # Microsoft Works and pre-2005 WPS files: read_ole_word says so (or converts)
        return read_ole_word(data, name)
    raise ReadError(f"扩展名为 {ext}，但内容是其他类型的 OLE 复合文档")


def _from_pdf(data: bytes, name: str, ext: str) -> Extracted:
    if ext in (".pdf",) or ext in _WORD_EXTS:
        return read_pdf(data, name)
    raise ReadError(f"扩展名为 {ext}，但内容是 PDF")


def _from_html(data: bytes, name: str, ext: str) -> Extracted:
    ex = read_html(data, name)  # Word and Excel "save as web page" keep their .doc/.xls names
    ex.format = "html" if ext in (".html", ".htm") else f"{ext.lstrip('.')}(html)"
    return ex


def _without_magic(data: bytes, name: str, ext: str) -> Extracted:
    """A file whose first bytes name no format (or one its extension does not allow)."""
    if ext in (".html", ".htm"):
        return read_html(data, name)  # an HTML fragment without <html>
    if ext in _WORD_EXTS or ext == ".xls":
        return _as_plain_text(data, name, ext)
    if ext == ".pdf":
        raise ReadError("不是有效的 PDF 文件（缺少 %PDF 文件头），文件可能已损坏")
    if ext == ".rtf":
        raise ReadError("不是有效的 RTF 文件（缺少 {\\rtf 文件头）")
    return READERS[ext](data, name)


def _as_plain_text(data: bytes, name: str, ext: str) -> Extracted:
    fmt = ext.lstrip(".")
    try:
        ex = read_text(data, name)  # some ".doc" files are plain text saved with a Word name
    except ReadError as exc:
        raise ReadError(f"内容不是 {fmt} 文档（无法识别的文件头），文件可能已损坏") from exc
    ex.format = f"{fmt}(text)"
    return ex


def extract(data: bytes, name: str, limits: ReadLimits | None = None) -> Extracted:
    """Read one document's bytes within ``limits`` (default: :data:`~.limits.DEFAULT`). Raises ReadError with
    a Chinese reason; the text returned has passed the plausibility gate (``hints["too_short"]`` marks text too
    short to conclude 保留). MemoryError (over the worker's memory budget) is raised as such, also where a
    reader took it for a damaged file."""
    with using(limits):
        try:
            ex = _extract(data, name)
        except ReadError as exc:
            if isinstance(exc.__cause__, MemoryError):  # readers wrap what their library raises as damage
                raise exc.__cause__ from None
            raise
    plausible.check(ex)
    return ex


def _extract(data: bytes, name: str) -> Extracted:
    ext = _ext(name)
    if not data.strip():
        raise ReadError("文件为空")
    reader = READERS.get(ext)
    if reader is None:
        raise ReadError(KNOWN_UNSUPPORTED.get(ext) or f"不支持的文件格式：{ext or '（无扩展名）'}")
    if ext in (".txt", ".md"):
        kind = sniff(data)
        if kind in ("zip", "ole", "pdf"):
            raise ReadError(f"扩展名为 {ext}，但内容是二进制文件（{kind}），不是文本")
        return reader(data, name)
    builtin = {
        ".docx": read_docx, ".doc": read_ole_word, ".wps": read_ole_word, ".pdf": read_pdf, ".ofd": read_ofd,
        ".rtf": read_rtf, ".xlsx": read_xlsx, ".et": read_xlsx, ".xls": read_xls, ".html": read_html,
        ".htm": read_html,
    }
    if ext in _DOCUMENT_EXTS and READERS[ext] is builtin[ext]:
        return _by_content(data, name, ext)
    return reader(data, name)  # a reader registered by a caller for its own format


def supported_extensions() -> list[str]:
    return sorted(READERS)
