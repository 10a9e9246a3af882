"""Word 2007+ (.docx): paragraphs and table cells in document order."""

from __future__ import annotations

import io
import zipfile

from .base import Extracted, ReadError
from .safety import check_zip


def read_docx(data: bytes, name: str) -> Extracted:
    import docx  # python-docx
    from docx.oxml.ns import qn

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReadError("不是有效的 docx 文件（zip 结构损坏）") from exc
    check_zip(zf)
    if "EncryptedPackage" in zf.namelist():
        raise ReadError("文件已加密或设有密码，无法读取")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors for broken parts
        raise ReadError(f"docx 文件损坏：{type(exc).__name__}: {exc}") from exc

    lines: list[str] = []

    def para_text(p_el: object) -> str:
        return "".join(t.text or "" for t in p_el.iter(qn("w:t")))  # type: ignore[attr-defined]

    def walk(parent: object) -> None:
        for child in parent.iterchildren():  # type: ignore[attr-defined]
            if child.tag == qn("w:p"):
                lines.append(para_text(child))
            elif child.tag == qn("w:tbl"):
                for row in child.iter(qn("w:tr")):
                    seen: set[str] = set()
                    for cell in row.iter(qn("w:tc")):
                        for p in cell.iter(qn("w:p")):
                            t = para_text(p)
                            # merged cells repeat their text; keep one copy per row
                            if t.strip() and t not in seen:
                                seen.add(t)
                                lines.append(t)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content)

    walk(document.element.body)
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError("docx 文件中没有文字")
    return Extracted(text=text, format="docx", encoding=None)
