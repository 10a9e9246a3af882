"""The gate every reader's text passes: readable Chinese text, or a :class:`ReadError` that says why not.

A document whose text fails here is 无法读取 with the reason, never 保留. The checks, in order (docs/formats.md
gives the numbers and how they were chosen):

1. not markup of another format: RTF source (``{\\rtf``, control words), HTML/XML tags, PDF source;
2. not binary or undecodable: at most 2 % control, replacement (U+FFFD), surrogate or private-use characters —
   for a PDF, glyphs that map to no character (fonts without a ToUnicode map);
3. enough Chinese to review: at least :data:`MIN_CJK` CJK ideographs making up at least :data:`MIN_CJK_SHARE`
   of the visible characters;
4. not mojibake: at least :data:`MIN_COMMON_SHARE` of the ideographs are common ones (GB 2312 or Big5 level 1);
   random bytes decoded as GB18030 land mostly on rare characters (about 40 % common), real documents on
   common ones (99.7 % or more in all 1,277 corpus documents).

Text of fewer than :data:`SHORT_CHARS` visible characters passes but is marked ``hints["too_short"]``: too
little to conclude 保留, so the pipeline reports it 无法读取 unless a rule flags it.
"""

from __future__ import annotations

import contextlib
import functools
import re

from .. import precomputed
from .base import Extracted, ReadError

MIN_CJK = 10
MIN_CJK_SHARE = 0.2
MIN_COMMON_SHARE = 0.8
MAX_BAD_SHARE = 0.02
SHORT_CHARS = 20
_SAMPLE = 200_000  # shares are measured on the first characters of long texts
#: what a PDF whose text fails the gate is told (the PDF reader's own check says the same)
PDF_UNMAPPED = "PDF 文字无法识别（可能为扫描件或字体未嵌入映射）"

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# control characters (not tab/newline/form feed), surrogates, replacement and private-use characters
_BAD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd]")
_RTF_WORD = re.compile(r"\\(?:rtf1|ansicpg\d+|fonttbl|colortbl|stylesheet|pard?|plain|f\d+|fs\d+|cf\d+|"
                       r"lang\d+|u-?\d+|'[0-9a-f]{2}|sb\d+|sa\d+|li\d+|fi-?\d+|qc|qj|b0?|i0?|line|tab)")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:._-]{0,30}(?:\s[^<>]{0,300})?/?>")
_HTML_TAG = re.compile(r"</?(?:html|head|body|div|p|span|table|tr|td|br|meta|script|style|a|font|img|li|ul|h\d)\b",
                       re.I)


#: (codec, lead bytes, trail bytes, first code, end code) of the two common-character sets
_COMMON_SETS = (
    ("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF), 0xB0A1, 0xF7FF),  # GB 2312 levels 1 and 2
    ("big5", range(0xA4, 0xC7), (*range(0x40, 0x7F), *range(0xA1, 0xFF)), 0xA440, 0xC67F),  # Big5 level 1
)


@functools.cache
def _common() -> frozenset[str]:
    """The ideographs in everyday use: GB 2312 (6,763) and Big5 level 1 (5,401), from the codecs. A row of a
    double-byte code decodes in one call (every byte from the lead range starts a pair); only a row with a gap
    is decoded pair by pair (tests/test_read_gate.py checks this against decoding every code on its own)."""
    chars: set[str] = set()
    for codec, leads, trails, first, end in _COMMON_SETS:
        for b1 in leads:
            row = [bytes((b1, b2)) for b2 in trails if first <= b1 << 8 | b2 < end]
            try:
                chars.update(b"".join(row).decode(codec))
            except UnicodeDecodeError:
                for pair in row:
                    with contextlib.suppress(UnicodeDecodeError):
                        chars.add(pair.decode(codec))
    return frozenset(c for c in chars if _CJK.match(c))


_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # those of _CJK


RARE_TABLE = "rare_ideographs"


@functools.cache
def _rare() -> re.Pattern[str]:
    """The ideographs of :data:`_CJK` that are not in everyday use, as ranges: in a real text there are only a
    few of them, so counting them is one scan with almost no matches (counting the common ones took one
    match per run of them). The ranges are read from the shipped table (fairreview/precomputed.py): decoding
    the code tables and finding the ranges is 8 ms of a small scan's first document."""
    shipped = precomputed.load(RARE_TABLE)
    return re.compile("[" + (shipped if isinstance(shipped, str) else rare_ranges()) + "]")


def rare_ranges() -> str:
    """The body of the :func:`_rare` class, worked out from :func:`_common`."""
    common = _common()
    ranges: list[str] = []
    for first, last in _CJK_RANGES:
        cp = first
        while cp <= last:
            if chr(cp) in common:
                cp += 1
                continue
            end = cp
            while end < last and chr(end + 1) not in common:
                end += 1
            ranges.append(chr(cp) if end == cp else f"{chr(cp)}-{chr(end)}")
            cp = end + 1
    return "".join(ranges)


def _surely_common(sample: str, cjk: int) -> bool:
    """At least :data:`MIN_COMMON_SHARE` of the ``cjk`` ideographs of ``sample`` are common, known without the
    rare class (4.6 ms to compile, on a small scan's first document): a rare ideograph is one that GB 2312
    cannot encode (tests/test_read_gate.py checks every one), so there are no more of them than characters
    GB 2312 cannot encode — each of which encodes to one byte with "replace" and to none with "ignore". For a
    text in simplified Chinese that is a handful; a text with more takes the exact count."""
    outside = len(sample.encode("gb2312", "replace")) - len(sample.encode("gb2312", "ignore"))
    return (cjk - outside) / cjk >= MIN_COMMON_SHARE


def _count(run: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` a run pattern (``[…]+``) covers: the text less what is left without them
    (one match per run, not one object per character as ``findall`` makes)."""
    return len(text) - len(run.sub("", text))


def visible_chars(text: str) -> int:
    # str.split() and the regex \s agree on what white space is (both ask str.isspace)
    return sum(map(len, text.split()))


def bad_share(text: str) -> tuple[int, int]:
    """(control/undecodable characters, visible characters)."""
    return len(_BAD.findall(text)), visible_chars(text)


def markup(text: str, visible: int | None = None) -> str | None:
    """What other format's source the text is, if it is one (``visible``: the visible characters of its first
    :data:`_SAMPLE`, when the caller has counted them)."""
    head = text[:_SAMPLE]
    body = max(1, visible_chars(head) if visible is None else visible)
    if "{\\rtf" in head[:4096]:
        return "疑似 RTF 源码（文件内容是未解析的 RTF 格式）"
    words = _RTF_WORD.findall(head)
    if len(words) >= 20 and sum(map(len, words)) > 0.1 * body:
        return "疑似 RTF 源码（大量 RTF 控制字）"
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("%PDF-") or ("endobj" in head and "%PDF-" in head):
        return "疑似 PDF 源码（文件内容是未解析的 PDF 格式）"
    tags = _TAG.findall(head)
    if len(tags) >= 10 and sum(map(len, tags)) > 0.15 * body:
        kind = "HTML" if len(_HTML_TAG.findall(" ".join(tags[:200]))) >= 5 else "XML"
        return f"疑似 {kind} 源码（文字中含有大量未解析的标记）"
    return None


def check(ex: Extracted) -> None:
    """Raise ReadError unless ``ex.text`` is reviewable Chinese text; mark short texts (module docstring)."""
    text = ex.text
    pdf = ex.format == "pdf"
    sample = text[:_SAMPLE]
    body = visible_chars(sample)
    why = markup(text, body)
    if why:
        raise ReadError(why)
    bad = len(_BAD.findall(sample))
    if body == 0:
        raise ReadError("文件没有文字内容")
    if bad > MAX_BAD_SHARE * body:
        raise _garbled(pdf, f"内容不是文本（{bad}/{body} 个控制或无法解码的字符），可能是二进制文件或已损坏")
    cjk = _count(_CJK_RUN, sample)
    if cjk < MIN_CJK:
        raise ReadError(f"内容过少或无中文正文（只有 {cjk} 个汉字）")
    if cjk < MIN_CJK_SHARE * body:
        raise _garbled(pdf, f"无中文正文（汉字只占可见字符的 {100 * cjk / body:.0f}%）")
    if not _surely_common(sample, cjk):
        share = (cjk - len(_rare().findall(sample))) / cjk  # the common ideographs are CJK ones
        if share < MIN_COMMON_SHARE:
            raise _garbled(pdf, f"文字疑似乱码（常用汉字只占 {100 * share:.0f}%），可能是编码错误或文件已损坏")
    visible = body if len(text) <= _SAMPLE else visible_chars(text)
    if visible < SHORT_CHARS:
        ex.hints["too_short"] = f"内容过少（只有 {visible} 个字），不足以作出保留结论，请人工核对"


def _garbled(pdf: bool, reason: str) -> ReadError:
    """Text that is binary, not Chinese or mojibake; from a PDF that means glyphs mapped to no (or the wrong)
    characters, which the PDF message names."""
    return ReadError(PDF_UNMAPPED if pdf else reason)


def check_text(text: str) -> None:
    """The binary/undecodable part of the gate alone, for readers that choose between decodings."""
    bad, body = bad_share(text)
    if body <= 0:
        raise ReadError("文件没有文字内容")
    if bad > MAX_BAD_SHARE * body:
        raise ReadError(f"内容不是文本（{bad}/{body} 个控制或无法解码的字符），可能是二进制文件")
