"""PDF (.pdf): the text layer via pypdfium2, pages in order, running headers/footers and page numbers
dropped, and line wrapping repaired (see unwrap.py) so a sentence is not cut by the page layout.

A PDF without a text layer (a scan) is an error, never an empty "clean" document.
"""

from __future__ import annotations

import re

from .base import Extracted, ReadError
from .safety import check_text_size
from .unwrap import Line, is_page_number, join_wrapped

MAX_PAGES = 2000
_SLACK_PT = 24.0  # a line ending within ~1.5 em of the right text edge ran to the margin (body 10.5–16 pt)
_EDGE = 2  # lines at the top and the bottom of a page that may be running headers/footers


def _page_lines(page: object) -> list[Line]:
    """Visual lines of one page, each marked full when it runs to the page's right text edge."""
    tp = page.get_textpage()  # type: ignore[attr-defined]
    try:
        n = tp.count_chars()
        text = tp.get_text_range(0, n) if n > 0 else ""
        if len(text) != n:  # cannot align characters with boxes: fall back to widths
            return [Line(t) for t in re.split(r"\r\n|\r|\n", text)]
        lines: list[Line] = []
        rights: list[float | None] = []
        buf: list[str] = []
        right: float | None = None
        for i, ch in enumerate(text):
            if ch in "\r\n":
                if ch == "\n" or buf:
                    lines.append(Line("".join(buf)))
                    rights.append(right)
                buf, right = [], None
                continue
            buf.append(ch)
            if not ch.isspace():
                try:
                    box = tp.get_charbox(i)
                except Exception:  # a generated character has no box
                    continue
                right = box[2] if right is None else max(right, box[2])
        if buf:
            lines.append(Line("".join(buf)))
            rights.append(right)
    finally:
        tp.close()
    known = [r for r, ln in zip(rights, lines, strict=True) if r is not None and len(ln.text.strip()) >= 8]
    if len(known) >= 3:
        margin = sorted(known)[int(0.9 * (len(known) - 1))]
        for ln, r in zip(lines, rights, strict=True):
            ln.full = r is not None and r >= margin - _SLACK_PT
    return lines


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
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ReadError("PDF 已加密或设有打开密码，无法读取") from exc
        raise ReadError(f"PDF 文件损坏或不完整（{msg}）") from exc
    try:
        n = len(pdf)
        if n == 0:
            raise ReadError("PDF 没有页面")
        if n > MAX_PAGES:
            raise ReadError(f"PDF 页数过多（{n} 页，上限 {MAX_PAGES}）")
        pages: list[list[Line]] = []
        for i in range(n):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as exc:
                raise ReadError(f"PDF 第 {i + 1} 页损坏（{exc}）") from exc
            try:
                pages.append(_page_lines(page))
            finally:
                page.close()
    finally:
        pdf.close()
    visible = sum(len(ln.text.strip()) for p in pages for ln in p)
    if visible < max(20, 5 * len(pages)):
        raise ReadError("无文字层（扫描件），需先 OCR")
    lines = [ln for p in _drop_running(pages) for ln in p]
    text = join_wrapped(lines)
    check_text_size(text, "PDF")
    if not text.strip():
        raise ReadError("无文字层（扫描件），需先 OCR")
    return Extracted(text=text, format="pdf", hints={"pages": n, "soft_wraps": True})
