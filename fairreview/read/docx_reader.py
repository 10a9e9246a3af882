"""Word 2007+ (.docx): paragraphs and table cells in document order."""

from __future__ import annotations

import functools
import io
from typing import Any

from .base import Extracted, ReadError
from .safety import check_package_xml, check_text_size, library_reason, open_zip


def read_docx(data: bytes, name: str, fmt: str = "docx") -> Extracted:
    import docx  # python-docx

    zf = open_zip(data, "docx")
    if "EncryptedPackage" in zf.namelist():
        raise ReadError("文件已加密或设有密码，无法读取")
    if "word/document.xml" not in zf.namelist():
        raise ReadError("zip 包中没有 word/document.xml，不是 Word 文档")
    check_package_xml(zf, "docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors for broken parts
        raise ReadError(f"docx 文件损坏：{library_reason(exc)}") from exc

    lines: list[str] = []
    _body_lines(document.element.body, lines)
    text = "\n".join(lines)
    check_text_size(text, fmt)
    if not text.strip():
        raise ReadError(f"{fmt} 文件中没有文字")
    return Extracted(text=text, format=fmt, encoding=None)


@functools.cache
def _w(tag: str) -> str:
    """A WordprocessingML tag's qualified name (python-docx is loaded on first use, not when fairreview is)."""
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _para_text(p_el: Any) -> str:
    return "".join(t.text or "" for t in p_el.iter(_w("t")))


def _body_lines(parent: Any, lines: list[str]) -> None:
    """Append the text of ``parent``'s paragraphs, tables and content controls to ``lines``, in order."""
    for child in parent.iterchildren():
        if child.tag == _w("p"):
            lines.append(_para_text(child))
        elif child.tag == _w("tbl"):
            _table_lines(child, lines)
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                _body_lines(content, lines)


def _table_lines(table: Any, lines: list[str]) -> None:
    """One line per non-empty cell paragraph, row by row."""
    for row in table.iter(_w("tr")):
        seen: set[str] = set()
        for cell in row.iter(_w("tc")):
            for p in cell.iter(_w("p")):
                t = _para_text(p)
                # merged cells repeat their text; keep one copy per row
                if t.strip() and t not in seen:
                    seen.add(t)
                    lines.append(t)
