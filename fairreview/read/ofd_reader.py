"""OFD (GB/T 33190): a zip of XML. OFD.xml → DocBody/DocRoot → Document.xml → Pages (in order) →
Content.xml; the text is in TextObject/TextCode, placed by coordinates, so reading order is rebuilt from
the geometry: pieces are grouped into visual lines by baseline, sorted by x, and wrapped lines are joined.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from .base import Extracted, ReadError
from .limits import current
from .safety import check_text_size, open_zip, parse_xml, read_member
from .unwrap import Line, is_page_number, join_wrapped

_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass
class _Piece:
    x: float  # left edge of the text, in mm
    base: float  # baseline y, in mm (y grows downwards)
    right: float
    size: float
    text: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c.tag) == name]


def _first(el: Any, name: str) -> Any | None:
    for c in el.iter():
        if _local(c.tag) == name:
            return c
    return None


def _floats(value: str | None) -> list[float]:
    return [float(v) for v in _NUM.findall(value or "")]


def _advances(delta: str | None, count: int, size: float) -> list[float]:
    """DeltaX as the advance after each glyph; ``g N d`` repeats d N times (GB/T 33190 §11.3)."""
    out: list[float] = []
    tokens = (delta or "").split()
    i = 0
    while i < len(tokens) and len(out) < count:
        tok = tokens[i]
        if tok == "g" and i + 2 < len(tokens):
            try:
                n, d = int(tokens[i + 1]), float(tokens[i + 2])
            except ValueError:
                break
            out.extend([d] * max(0, min(n, count - len(out))))
            i += 3
            continue
        try:
            out.append(float(tok))
        except ValueError:
            break
        i += 1
    while len(out) < count:
        out.append(size)
    return out


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    path = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc)
    return posixpath.normpath(path)


def _pieces(content: Any) -> list[_Piece]:
    out: list[_Piece] = []
    for obj in content.iter():
        if _local(obj.tag) != "TextObject":
            continue
        box = _floats(obj.get("Boundary"))
        if len(box) < 4:
            continue
        bx, by = box[0], box[1]
        size = (_floats(obj.get("Size")) or [3.5])[0] or 3.5
        ctm = _floats(obj.get("CTM"))
        scale = ctm[0] if len(ctm) == 6 and ctm[0] > 0 else 1.0
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            if code.get("X") is not None:
                x = (_floats(code.get("X")) or [x])[0]
            if code.get("Y") is not None:
                y = (_floats(code.get("Y")) or [y])[0]
            if not text:
                continue
            adv = _advances(code.get("DeltaX"), max(0, len(text) - 1), size)
            width = (sum(adv) + size) * scale
            out.append(_Piece(bx + x * scale, by + y * scale, bx + x * scale + width, size * scale, text))
            x += sum(adv) + size
    return out


def _lines(pieces: list[_Piece]) -> list[tuple[str, float, float]]:
    """Group pieces into visual lines: (text, right edge, size), top to bottom."""
    lines: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: (p.base, p.x)):
        if lines:
            cur = lines[-1]
            ref = cur[0]
            if abs(p.base - ref.base) <= 0.4 * max(ref.size, p.size):
                cur.append(p)
                continue
        lines.append([p])
    out = []
    for ln in lines:
        ln.sort(key=lambda p: p.x)
        text = ""
        prev: _Piece | None = None
        for p in ln:
            gap = p.x - prev.right if prev is not None else 0.0
            if gap > 1.5 * p.size and text[-1:].isascii() and p.text[:1].isascii():
                text += " "
            text += p.text
            prev = p
        out.append((text, max(p.right for p in ln), max(p.size for p in ln)))
    return out


def read_ofd(data: bytes, name: str) -> Extracted:
    zf = open_zip(data, "OFD")
    names = set(zf.namelist())
    root_name = next((n for n in names if n.lower() == "ofd.xml"), None)
    if root_name is None:
        raise ReadError("不是有效的 OFD 文件（缺少 OFD.xml）")
    ofd = parse_xml(read_member(zf, root_name, "OFD"), "OFD.xml")
    doc_roots = [el.text.strip() for el in ofd.iter() if _local(el.tag) == "DocRoot" and el.text]
    if not doc_roots:
        raise ReadError("OFD.xml 中没有 DocRoot（文档入口）")
    title = None
    title_el = _first(ofd, "Title")
    if title_el is not None and title_el.text:
        title = title_el.text.strip()
    page_lines: list[list[Line]] = []
    for doc_root in doc_roots:
        page_lines.extend(_read_document(zf, _resolve("", doc_root)))
    # running page numbers at a page's top or bottom
    lines: list[Line] = []
    for p in page_lines:
        keep = [ln for i, ln in enumerate(p) if not ((i < 2 or i >= len(p) - 2) and is_page_number(ln.text))]
        lines.extend(keep)
    text = join_wrapped(lines)
    check_text_size(text, "OFD")
    if not text.strip():
        raise ReadError("OFD 文件中没有文字（可能是扫描件，需先 OCR）")
    # DocInfo/Title is often the source file name (e.g. "x.docx"): not a document title
    hint = title if title and not re.search(r"\.(docx?|wps|pdf|ofd|txt)$", title, re.I) else None
    hints: dict[str, object] = {"title": hint, "pages": len(page_lines), "soft_wraps": True}
    return Extracted(text=text, format="ofd", hints=hints)


def _read_document(zf: zipfile.ZipFile, doc_path: str) -> list[list[Line]]:
    doc = parse_xml(read_member(zf, doc_path, "OFD"), doc_path)
    base_dir = posixpath.dirname(doc_path)
    pages_el = _first(doc, "Pages")
    if pages_el is None:
        raise ReadError(f"OFD 的 {doc_path} 中没有页面列表")
    pages = [p for p in pages_el.iter() if _local(p.tag) == "Page" and p.get("BaseLoc")]
    limits = current()
    if len(pages) > limits.max_pages:
        raise ReadError(f"OFD 页数过多（{len(pages)} 页，上限 {limits.max_pages}），不像一份规范性文件，已跳过")
    out: list[list[Line]] = []
    parsed: dict[str, list[tuple[str, float, float]]] = {}  # pages may share one content file
    chars = 0
    for n, page in enumerate(pages, 1):
        path = _resolve(base_dir, page.get("BaseLoc"))
        if path not in parsed:
            parsed[path] = _lines(_pieces(parse_xml(read_member(zf, path, "OFD"), path)))
        raw = parsed[path]
        chars += sum(len(t) for t, _, _ in raw)
        if chars > limits.max_chars:
            raise ReadError(f"OFD 提取的文字超过 {limits.max_chars} 字（读到第 {n} 页），不像一份规范性文件，已跳过")
        if not raw:
            out.append([])
            continue
        rights = sorted(r for t, r, _ in raw if len(t.strip()) >= 8) or sorted(r for _, r, _ in raw)
        margin = rights[int(0.9 * (len(rights) - 1))]
        out.append([Line(t, full=r >= margin - 1.5 * s, size=s) for t, r, s in raw])
    return out
