"""Word 97–2003 binary documents (.doc, and the .wps files WPS Office writes in that format), in pure Python.

Follows [MS-DOC] §2.4.1 "Retrieving Text": the File Information Block (FIB) at the start of the
``WordDocument`` stream says which table stream (``0Table``/``1Table``) holds the piece table (Clx → Pcdt →
PlcPcd) and how many characters each story has (``ccpText``, ``ccpFtn`` …). Each piece maps a range of
character positions (CPs) to bytes of the WordDocument stream, either UTF-16LE or "compressed" 8-bit text
(Latin-1 with the cp1252 punctuation of §2.9.73). Text a reviewer deleted with revision marks on
(``sprmCFRMarkDel`` in the character properties) is not part of the document and is dropped.

What becomes of Word's control characters (§2.8.25): paragraph marks, line breaks (0x0B), page/section breaks
(0x0C) and column breaks end a line; a table cell mark (0x07) ends a line unless the cell is empty (so each cell
is one line, as the docx reader gives it); a field (0x13 instruction 0x14 result 0x15) keeps its result and
drops its instruction (``HYPERLINK "…"``, ``PAGE``, ``DATE \\@ …``), nested fields included; pictures,
object anchors, footnote and comment reference marks are dropped.

Stories: the main document first; footnotes, endnotes and text boxes follow it, each as lines of their own
(they are part of what the document says). Headers/footers (running titles, page numbers) and comments
(reviewers' notes) are left out.
"""

from __future__ import annotations

import bisect
import io
import re
import struct
from dataclasses import dataclass

from .base import Extracted, ReadError
from .limits import current

_IDENT_WORD97 = 0xA5EC  # wIdent of Word 97 and later (the FibBase says 0x00C1 even for Word 2003)
_IDENT_WORD6 = 0xA5DC  # Word 6.0 / Word 95
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_F_OBFUSCATED = 0x8000
_FKP = 512
_SPRM_DELETED = 0x0800  # sprmCFRMarkDel
# operand sizes by spra (the top 3 bits of a sprm), [MS-DOC] §2.2.5.1; 6 = variable (a size byte follows)
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
# compressed (8-bit) text is Latin-1 except these bytes (§2.9.73), which are cp1252's punctuation
_COMPRESSED = {
    0x82: "\u201a", 0x83: "\u0192", 0x84: "\u201e", 0x85: "\u2026", 0x86: "\u2020", 0x87: "\u2021",
    0x88: "\u02c6", 0x89: "\u2030", 0x8A: "\u0160", 0x8B: "\u2039", 0x8C: "\u0152", 0x91: "\u2018",
    0x92: "\u2019", 0x93: "\u201c", 0x94: "\u201d", 0x95: "\u2022", 0x96: "\u2013", 0x97: "\u2014",
    0x98: "\u02dc", 0x99: "\u2122", 0x9A: "\u0161", 0x9B: "\u203a", 0x9C: "\u0153", 0x9F: "\u0178",
}
_DELETED = "\x00"  # stands in for a deleted character until rendering, so CPs stay aligned
_SPECIAL = re.compile("[\x00-\x1f]")
_FIELD_BEGIN, _FIELD_SEP, _FIELD_END = "\x13", "\x14", "\x15"
_NEWLINE = {"\r", "\x0b", "\x0c", "\x0e"}  # paragraph, line break, page/section break, column break


class UnsupportedWord(ReadError):
    """A Word binary this reader does not decode (Word 6/95, no piece table): a converter may still read it."""


@dataclass(frozen=True)
class Fib:
    flags: int
    table: str  # "0Table" or "1Table"
    ccp: tuple[int, ...]  # ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx, ccpHdrTxbx
    clx: tuple[int, int]  # fcClx, lcbClx in the table stream
    chpx: tuple[int, int]  # fcPlcfBteChpx, lcbPlcfBteChpx


@dataclass(frozen=True)
class Piece:
    cp: int  # first character position
    end: int  # one past the last
    fc: int  # byte offset in the WordDocument stream
    compressed: bool


def parse_fib(word: bytes) -> Fib:
    """The parts of the FIB the text needs ([MS-DOC] §2.5.15: each section is as long as its count says)."""
    if len(word) < 34:
        raise ReadError("Word 文档的文件信息块（FIB）不完整，文件可能已损坏")
    ident, nfib = struct.unpack_from("<HH", word, 0)
    if ident == _IDENT_WORD6 or (ident == _IDENT_WORD97 and 0x0065 <= nfib <= 0x0069):  # 101–105: Word 6/95
        raise UnsupportedWord("这是 Word 6.0/95 格式的早期文档，需安装 LibreOffice 后读取（或用 Word/WPS 另存为 .docx）")
    if ident != _IDENT_WORD97:
        raise UnsupportedWord(f"WordDocument 流的文件头不是 Word 97–2003 格式（0x{ident:04X}）")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & (_F_ENCRYPTED | _F_OBFUSCATED):
        raise ReadError("Word 文档已加密或设有打开密码，无法读取（请在 Word/WPS 中取消密码后另存）")
    pos = 32
    try:
        csw = struct.unpack_from("<H", word, pos)[0]
        pos += 2 + 2 * csw
        cslw = struct.unpack_from("<H", word, pos)[0]
        lw = struct.unpack_from(f"<{cslw}i", word, pos + 2)
        pos += 2 + 4 * cslw
        cb = struct.unpack_from("<H", word, pos)[0]
        fclcb = struct.unpack_from(f"<{2 * cb}I", word, pos + 2)
    except struct.error as exc:
        raise ReadError("Word 文档的文件信息块（FIB）不完整，文件可能已损坏") from exc
    if cslw < 11 or cb < 34:
        raise UnsupportedWord("Word 文档的文件信息块（FIB）缺少文字位置信息，不是 Word 97–2003 格式")
    ccp = tuple(lw[3:11])
    if any(n < 0 for n in ccp):
        raise ReadError("Word 文档的文字长度信息无效，文件已损坏")
    return Fib(flags, "1Table" if flags & _F_WHICH_TABLE else "0Table", ccp,
               (fclcb[66], fclcb[67]), (fclcb[24], fclcb[25]))


def parse_pieces(table: bytes, fc: int, lcb: int) -> list[Piece]:
    """The piece table: the Clx's Prc entries skipped, then the PlcPcd (§2.9.38, §2.9.178)."""
    if lcb == 0:
        raise UnsupportedWord("Word 文档没有文字位置表（piece table）")
    if fc + lcb > len(table):
        raise ReadError("Word 文档的文字位置表超出文件范围，文件不完整或已损坏")
    clx = table[fc:fc + lcb]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers of pieces
        if pos + 3 > len(clx):
            break
        size = struct.unpack_from("<h", clx, pos + 1)[0]
        if size < 0:
            raise ReadError("Word 文档的文字位置表损坏")
        pos += 3 + size
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise ReadError("Word 文档的文字位置表损坏（找不到 Pcdt）")
    size = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5:pos + 5 + size]
    n = (len(plc) - 4) // 12
    if size < 16 or len(plc) < size or (size - 4) % 12:
        raise ReadError("Word 文档的文字位置表长度无效，文件已损坏")
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    pieces = []
    for i in range(n):
        if cps[i + 1] < cps[i]:
            raise ReadError("Word 文档的文字位置表顺序错误，文件已损坏")
        raw = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        compressed = bool(raw & 0x40000000)
        offset = raw & 0x3FFFFFFF
        pieces.append(Piece(cps[i], cps[i + 1], offset // 2 if compressed else offset, compressed))
    return pieces


def _sprms(grpprl: bytes) -> list[tuple[int, bytes]]:
    out = []
    i = 0
    while i + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, i)[0]
        size = _OPERAND.get(sprm >> 13)
        if size is None:  # variable length: the next byte is the operand's size
            if i + 3 > len(grpprl):
                break
            size = 1 + grpprl[i + 2]
        out.append((sprm, grpprl[i + 2:i + 2 + size]))
        i += 2 + size
    return out


def deleted_ranges(word: bytes, table: bytes, fib: Fib) -> list[tuple[int, int]]:
    """Byte ranges of the WordDocument stream whose characters carry a deletion revision mark.

    The character bin table (PlcBteChpx, §2.8.26) points to 512-byte ChpxFkp pages (§2.9.32): crun runs
    (their FCs first, a word offset to each Chpx after, crun in the last byte)."""
    fc, lcb = fib.chpx
    if lcb < 8 or fc + lcb > len(table):
        return []
    n = (lcb - 4) // 8
    pns = struct.unpack_from(f"<{n}I", table, fc + 4 * (n + 1))
    out: list[tuple[int, int]] = []
    for pn in dict.fromkeys(p & 0x3FFFFF for p in pns):
        page = word[pn * _FKP:(pn + 1) * _FKP]
        if len(page) < _FKP:
            continue
        crun = page[_FKP - 1]
        if crun == 0 or 5 * crun + 4 > _FKP - 1:
            continue
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for i in range(crun):
            at = 2 * page[4 * (crun + 1) + i]
            if at == 0 or at >= _FKP - 1:
                continue
            grpprl = page[at + 1:at + 1 + page[at]]
            if any(s == _SPRM_DELETED and v[:1] in (b"\x01", b"\x81") for s, v in _sprms(grpprl)):
                out.append((fcs[i], fcs[i + 1]))
    out.sort()
    return out


def _decode(raw: bytes, compressed: bool) -> str:
    if compressed:
        return raw.decode("latin-1").translate(_COMPRESSED)
    return raw.decode("utf-16-le", errors="replace")


def story_text(word: bytes, pieces: list[Piece], start: int, end: int,
               deleted: list[tuple[int, int]]) -> str:
    """The raw characters of CPs [start, end): every piece overlapping it decoded, deleted ones marked."""
    max_chars = current().max_chars
    parts: list[str] = []
    total = 0
    starts = [d[0] for d in deleted]
    for p in pieces:
        a, b = max(p.cp, start), min(p.end, end)
        if a >= b:
            continue
        width = 1 if p.compressed else 2
        lo = p.fc + (a - p.cp) * width
        hi = lo + (b - a) * width
        if hi > len(word):
            raise ReadError("Word 文档不完整：部分正文超出文件范围（文件可能被截断或已损坏）")
        total += b - a
        if total > max_chars:
            raise ReadError(f"Word 文档的文字超过 {max_chars} 字，不像一份规范性文件，已跳过")
        chars = list(_decode(word[lo:hi], p.compressed))
        # deleted runs that overlap [lo, hi)
        k = max(0, bisect.bisect_right(starts, lo) - 1)
        while k < len(deleted) and deleted[k][0] < hi:
            d0, d1 = deleted[k]
            first, last = max(d0, lo), min(d1, hi)
            for j in range((first - lo) // width, (last - lo + width - 1) // width):
                if 0 <= j < len(chars):
                    chars[j] = _DELETED
            k += 1
        parts.append("".join(chars))
    return "".join(parts)


class _Fields:
    """The fields open at a point of the text (they nest): an instruction part is hidden, a result part is
    text. Marks that close nothing (a separator or end without its begin) are ignored."""

    def __init__(self) -> None:
        self.open: list[bool] = []  # one per open field: True once its result part has begun
        self.hidden = 0  # open fields still in their instruction part

    def mark(self, ch: str) -> bool:
        """Take a field mark into account; False if ``ch`` is not one."""
        if ch == _FIELD_BEGIN:
            self.open.append(False)
            self.hidden += 1
        elif ch == _FIELD_SEP:
            if self.open and not self.open[-1]:
                self.open[-1] = True
                self.hidden -= 1
        elif ch == _FIELD_END:
            if self.open and not self.open.pop():
                self.hidden -= 1
        else:
            return False
        return True


def render(raw: str) -> str:
    """Word's characters → plain text lines (see the module docstring)."""
    out: list[str] = []
    fields = _Fields()
    line_has_text = False
    pos = 0
    for m in _SPECIAL.finditer(raw):
        if fields.hidden == 0 and m.start() > pos:
            out.append(raw[pos:m.start()])
            line_has_text = True
        pos = m.end()
        ch = m.group()
        if fields.mark(ch) or fields.hidden:
            continue
        if ch in _NEWLINE or (ch == "\x07" and line_has_text):
            out.append("\n")
            line_has_text = False
        elif ch == "\t":
            out.append("\t")
        elif ch == "\x1e":  # non-breaking hyphen
            out.append("-")
            line_has_text = True
        # anything else (pictures 0x01, anchors 0x08, note marks 0x02, deleted text …) is not text
    if fields.hidden == 0 and pos < len(raw):
        out.append(raw[pos:])
    lines = [ln.rstrip() for ln in "".join(out).split("\n")]
    return "\n".join(lines).strip("\n")


def read_word97(data: bytes, name: str, fmt: str = "doc") -> Extracted:
    """Text of an OLE compound Word 97–2003 document (the caller has refused encrypted packages)."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError … on broken files
        raise ReadError(f"OLE 复合文档结构损坏（{type(exc).__name__}），文件可能不完整") from exc
    try:
        if not ole.exists("WordDocument"):
            raise UnsupportedWord(f"{fmt} 文件中没有 WordDocument 流，不是 Word 97–2003 格式的文档")
        try:
            word = ole.openstream("WordDocument").read()
        except Exception as exc:
            raise ReadError(f"Word 文档结构损坏（WordDocument 流无法读取：{type(exc).__name__}）") from exc
        fib = parse_fib(word)
        if not ole.exists(fib.table):
            raise ReadError(f"Word 文档缺少 {fib.table} 流，文件可能已损坏")
        try:
            table = ole.openstream(fib.table).read()
        except Exception as exc:
            raise ReadError(f"Word 文档结构损坏（{fib.table} 流无法读取：{type(exc).__name__}）") from exc
    finally:
        ole.close()
    pieces = parse_pieces(table, *fib.clx)
    deleted = deleted_ranges(word, table, fib)
    # stories follow each other in CP order: main, footnotes, headers, macros, comments, endnotes, text boxes
    bounds = [0]
    for n in fib.ccp:
        bounds.append(bounds[-1] + n)
    wanted = {"main": 0, "footnotes": 1, "endnotes": 5, "textboxes": 6}
    stories = {key: render(story_text(word, pieces, bounds[i], bounds[i + 1], deleted))
               for key, i in wanted.items() if fib.ccp[i] > 0}
    main = stories.get("main", "")
    extra = [ln for key in ("footnotes", "endnotes", "textboxes") for ln in stories.get(key, "").split("\n")
             if ln.strip()]
    text = "\n".join([main, *extra]) if extra else main
    if not text.strip():
        raise ReadError(f"{fmt} 文件中没有文字")
    hints: dict[str, object] = {"reader": "word97"}
    if extra:
        hints["appended_notes"] = len(extra)
    return Extracted(text=text, format=fmt, hints=hints)
