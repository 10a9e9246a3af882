"""Word 2007+ (.docx): paragraphs and table cells in document order."""

from __future__ import annotations

import io

from .base import Extracted, ReadError
from .safety import check_package_xml, check_text_size, library_reason, open_zip


def read_docx(data: bytes, name: str, fmt: str = "docx") -> Extracted:
    import docx  # python-docx
    from docx.oxml.ns import qn

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
    check_text_size(text, fmt)
    if not text.strip():
        raise ReadError(f"{fmt} 文件中没有文字")
    return Extracted(text=text, format=fmt, encoding=None)
