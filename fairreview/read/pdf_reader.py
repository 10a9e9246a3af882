"""PDF (.pdf): the text layer via pypdfium2, pages in order, running headers/footers and page numbers
dropped, and line wrapping repaired (see unwrap.py) so a sentence is not cut by the page layout.

A PDF without a text layer (a scan) is an error, never an empty "clean" document; so is one whose glyphs do
not map to characters (fonts without a ToUnicode map), one cut short (no ``%%EOF`` at its end) and one over
the page or character budget (:class:`~.limits.ReadLimits`), which is refused before its pages are read.
"""

from __future__ import annotations

import re
from typing import Any

from .base import Extracted, ReadError
from .limits import current
from .plausible import PDF_UNMAPPED
from .safety import check_text_size, library_reason
from .unwrap import Line, is_page_number, join_wrapped

_SLACK_PT = 24.0  # a line ending within ~1.5 em of the right text edge ran to the margin (body 10.5–16 pt)
_EDGE = 2  # lines at the top and the bottom of a page that may be running headers/footers


#: characters a glyph without a Unicode mapping comes out as (control codes, U+FFFD, private use)
_UNMAPPED = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd\ue000-\uf8ff]")
_UNMAPPED_SHARE = 0.1
_EOF_WINDOW = 16384  # %%EOF ends every complete PDF; writers may pad a little after it


def _font_size(tp: object, index: int) -> float | None:
    import pypdfium2.raw as pdfium_c

    try:
        size = float(pdfium_c.FPDFText_GetFontSize(tp.raw, index))  # type: ignore[attr-defined]
    except Exception:
        return None
    return size if size > 0 else None


def _page_lines(page: object) -> list[Line]:
    """Visual lines of one page, each marked full when it runs to the page's right text edge, with the font
    size of its first character."""
    tp = page.get_textpage()  # type: ignore[attr-defined]
    try:
        n = tp.count_chars()
        text = tp.get_text_range(0, n) if n > 0 else ""
        if len(text) != n:  # cannot align characters with boxes: fall back to widths
            return [Line(t) for t in re.split(r"\r\n|\r|\n", text)]
        lines, rights = _boxed_lines(tp, text)
    finally:
        tp.close()
    _mark_full(lines, rights)
    return lines


def _boxed_lines(tp: object, text: str) -> tuple[list[Line], list[float | None]]:
    """The page's lines (``text`` is its characters, aligned with their boxes) and where each line's
    rightmost glyph ends (None: no glyph with a box)."""
    lines: list[Line] = []
    rights: list[float | None] = []
    buf: list[str] = []
    right: float | None = None
    size: float | None = None
    for i, ch in enumerate(text):
        if ch in "\r\n":
            if ch == "\n" or buf:
                lines.append(Line("".join(buf), size=size))
                rights.append(right)
            buf, right, size = [], None, None
            continue
        buf.append(ch)
        if ch.isspace():
            continue
        if size is None:
            size = _font_size(tp, i)
        edge = _right_edge(tp, i)
        if edge is not None:
            right = edge if right is None else max(right, edge)
    if buf:
        lines.append(Line("".join(buf), size=size))
        rights.append(right)
    return lines, rights


def _right_edge(tp: object, index: int) -> float | None:
    try:
        return float(tp.get_charbox(index)[2])  # type: ignore[attr-defined]
    except Exception:  # a generated character has no box
        return None


def _mark_full(lines: list[Line], rights: list[float | None]) -> None:
    """Mark the lines that end at the page's right text edge: within slack of the 90th percentile of the right
    ends of lines long enough to tell (a page with fewer than three of them is left unmarked)."""
    known = [r for r, ln in zip(rights, lines, strict=True) if r is not None and len(ln.text.strip()) >= 8]
    if len(known) >= 3:
        margin = sorted(known)[int(0.9 * (len(known) - 1))]
        for ln, r in zip(lines, rights, strict=True):
            ln.full = r is not None and r >= margin - _SLACK_PT


def _mask(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def _drop_running(pages: list[list[Line]]) -> list[list[Line]]:
    """Remove page numbers and lines repeated at the top/bottom of most pages (running headers/footers)."""
    pages = [[ln for ln in p if ln.text.strip()] for p in pages]
    counts: dict[str, int] = {}
    for p in pages:
        for key in {_mask(ln.text) for ln in p[:_EDGE] + p[-_EDGE:]}:
            counts[key] = counts.get(key, 0) + 1
    repeated = {k for k, c in counts.items() if len(pages) >= 3 and c >= 0.6 * len(pages)}
    out = []
    for p in pages:
        keep = []
        for i, ln in enumerate(p):
            edge = i < _EDGE or i >= len(p) - _EDGE
            if edge and (is_page_number(ln.text) or _mask(ln.text) in repeated):
                continue
            keep.append(ln)
        out.append(keep)
    return out


def read_pdf(data: bytes, name: str) -> Extracted:
    limits = current()
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise ReadError("PDF 文件不完整（缺少文件结尾 %%EOF，可能未完整下载或复制），部分内容可能已丢失")
    pdf = _open(data)
    try:
        n = len(pdf)
        if n == 0:
            raise ReadError("PDF 没有页面")
        if n > limits.max_pages:
            raise ReadError(f"PDF 页数过多（{n} 页，上限 {limits.max_pages}），不像一份规范性文件，已跳过")
        pages = _read_pages(pdf, n, limits.max_chars)
    finally:
        pdf.close()
    _check_text_layer(pages)
    lines = [ln for p in _drop_running(pages) for ln in p]
    text = join_wrapped(lines)
    check_text_size(text, "PDF")
    if not text.strip():
        raise ReadError("无文字层（扫描件），需先 OCR")
    return Extracted(text=text, format="pdf", hints={"pages": n, "soft_wraps": True})


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ReadError("PDF 已加密或设有打开密码，无法读取") from exc
        raise ReadError(f"PDF 文件损坏或不完整（{library_reason(exc)}）") from exc


def _read_pages(pdf: Any, n: int, max_chars: int) -> list[list[Line]]:
    """Each page's lines, in order, stopping as soon as the text is over the character budget."""
    import pypdfium2 as pdfium

    pages: list[list[Line]] = []
    chars = 0
    for i in range(n):
        try:
            page = pdf[i]
        except pdfium.PdfiumError as exc:
            raise ReadError(f"PDF 第 {i + 1} 页损坏（{library_reason(exc)}）") from exc
        try:
            pages.append(_page_lines(page))
        finally:
            page.close()
        chars += sum(len(ln.text) for ln in pages[-1])
        if chars > max_chars:
            raise ReadError(f"PDF 提取的文字超过 {max_chars} 字（读到第 {i + 1} 页），不像一份规范性文件，已跳过")
    return pages


def _check_text_layer(pages: list[list[Line]]) -> None:
    """Refuse a PDF without a usable text layer: a scan, glyphs that map to no character, or too little text
    for its pages."""
    body = "".join(ln.text for p in pages for ln in p)
    visible = len(body) - sum(c.isspace() for c in body)
    if visible == 0:
        raise ReadError("无文字层（扫描件），需先 OCR")
    if len(_UNMAPPED.findall(body)) > _UNMAPPED_SHARE * visible:
        raise ReadError(PDF_UNMAPPED)
    if visible < max(20, 5 * len(pages)):
        raise ReadError(f"PDF 文字过少（{len(pages)} 页只有 {visible} 个字符），可能是扫描件或文件已损坏，需先 OCR 或换用完整文件")
