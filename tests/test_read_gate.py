"""Text or error (issue 12, item 1): every reader's text passes one plausibility gate (read/plausible.py); what
fails it is 无法读取 with a Chinese reason, never 保留. Budgets inside readers (item 2, the reader part)."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest
from hostile_files import ofd_page_bomb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairreview import Engine, Settings
from fairreview.read import ReadError, ReadLimits, extract, supported_extensions
from fairreview.read.plausible import SHORT_CHARS

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
ENGINE = Engine(Settings(as_of="2026-11-27"))
CJK = re.compile("[\u4e00-\u9fff]")


def _error(data: bytes, name: str) -> str:
    with pytest.raises(ReadError) as info:
        extract(data, name)
    assert CJK.search(str(info.value)), str(info.value)
    return str(info.value)


# ---- tiny, random and foreign content ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["u.html", "u.txt", "u.md", "u.htm", "u.doc", "u.rtf"])
@pytest.mark.parametrize("content", [b"u", b"<p>u</p>", b"1234567890", b"\xe4\xb8\xad", "第一条".encode()])
def test_tiny_files_are_errors(name: str, content: bytes) -> None:
    doc = ENGINE.scan_bytes(content, name)
    assert doc.verdict == "error" and CJK.search(doc.error or "")


@pytest.mark.parametrize("name", ["noise.html", "noise.txt", "noise.md", "noise.htm"])
def test_ten_kilobytes_of_random_bytes_are_errors(name: str) -> None:
    for seed in range(5):
        noise = random.Random(seed).randbytes(10 * 1024)
        assert ENGINE.scan_bytes(noise, name).verdict == "error"


_EXTS = sorted(set(supported_extensions()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096), st.sampled_from(_EXTS))
def test_random_bytes_never_pass_the_gate(data: bytes, ext: str) -> None:
    """Random bytes under any supported extension are an error, or (in the rare case that they decode to
    Chinese at all) too short to be concluded 保留."""
    try:
        ex = extract(data, "x" + ext)
    except ReadError as exc:
        assert CJK.search(str(exc))
        return
    assert ex.hints.get("too_short") or not ex.text.strip(), ex.text[:80]


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=200, max_size=3000))
def test_random_bytes_decoded_as_chinese_are_called_mojibake(data: bytes) -> None:
    """Bytes that do decode as GB18030 (the decoder's last resort) land on rare characters: refused."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return
    printable = "".join(c for c in text if c.isprintable())
    if len(CJK.findall(printable)) < 20:
        return
    with pytest.raises(ReadError):
        extract(printable.encode("utf-8"), "x.txt")


def test_rtf_and_html_source_named_txt() -> None:
    rtf = (FORMATS / "notice.rtf").read_bytes()
    assert "RTF 源码" in _error(rtf, "notice.txt")
    # RTF whose header was cut off still reads as RTF control words
    assert "RTF" in _error(rtf[rtf.index(b"\\fonttbl") - 1:], "notice.txt")
    assert "HTML 源码" in _error((FORMATS / "notice.html").read_bytes(), "notice.txt")
    assert "pdf" in _error(b"%PDF-1.4\n1 0 obj <<>> endobj\n" + "第一条 内容。".encode() * 20, "x.txt").lower()
    # PDF source that reached a reader's text some other way (a converter, a page quoting a file) is refused too
    from fairreview.read import Extracted
    from fairreview.read.plausible import check

    with pytest.raises(ReadError, match="PDF 源码"):
        check(Extracted(text="第一条 内容。" * 20 + "\n%PDF-1.4\n1 0 obj\n<< >>\nendobj", format="html"))


def test_truncated_utf8_text_is_still_utf8() -> None:
    data = (FORMATS / "notice.txt").read_bytes()
    at = data.index("第五条".encode())
    ex = extract(data[: at + 2], "cut.txt")  # cut inside the three bytes of 第
    assert ex.encoding == "utf-8" and ex.text == data[:at].decode("utf-8")


# ---- truncation and damage a reader can see --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["notice.rtf", "notice.html"])
def test_truncated_rtf_and_html_say_so(name: str) -> None:
    data = (FORMATS / name).read_bytes()
    for keep in (0.3, 0.5, 0.9):
        assert "不完整" in _error(data[: int(len(data) * keep)], name)


# ---- too short to conclude 保留 --------------------------------------------------------------------------------

def test_short_text_is_never_retained_but_a_flagged_one_is_reported() -> None:
    lawful = "本办法自发布之日起施行。"  # real Chinese, under 20 characters
    assert len(lawful) < SHORT_CHARS
    ex = extract(lawful.encode(), "short.txt")
    assert ex.hints["too_short"]
    doc = ENGINE.scan_bytes(lawful.encode(), "short.txt")
    assert doc.verdict == "error" and "内容过少" in (doc.error or "")
    flagged = "限定本地企业参与投标。"  # short, but a rule flags it: the finding is shown, not hidden
    doc = ENGINE.scan_bytes(flagged.encode(), "flagged.txt")
    if doc.flagged:
        assert doc.verdict in ("amend", "repeal")
    else:
        assert doc.verdict == "error"
    longer = ENGINE.scan_bytes("本办法自发布之日起施行，由县人民政府办公室负责解释。".encode(), "ok.txt")
    assert longer.verdict == "retain"


# ---- nothing real is refused ---------------------------------------------------------------------------------

def test_no_corpus_document_or_example_is_refused(shared: Path) -> None:
    files = sorted((shared / "corpus").glob("*/*.*")) + sorted((FORMATS.parent.parent.parent / "examples").glob("*"))
    assert len(files) > 1000
    refused = []
    for path in files:
        try:
            ex = extract(path.read_bytes(), path.name)
            if ex.hints.get("too_short"):
                refused.append((path.name, "too short"))
        except ReadError as exc:
            refused.append((path.name, str(exc)))
    assert refused == []


@pytest.mark.parametrize("name", ["notice.txt", "notice.docx", "notice.doc", "notice-word97.wps", "notice.pdf",
                                  "notice.rtf", "notice.html", "notice-ooxml.wps", "real-sample.ofd",
                                  "policy-list.xlsx", "policy-list.et", "policy-list.xls", "table.doc",
                                  "fields.doc", "parking-3pages.pdf"])
def test_every_real_fixture_passes(name: str) -> None:
    ex = extract((FORMATS / name).read_bytes(), name)
    assert "too_short" not in ex.hints


# ---- budgets ---------------------------------------------------------------------------------------------------

def test_decompression_budget_counts_repeated_reads() -> None:
    from fairreview.read.safety import open_zip, read_member

    data = ofd_page_bomb(pages=10, objects=400)
    with pytest.raises(ReadError, match="解压的数据超过"):
        from fairreview.read.limits import using

        with using(ReadLimits(max_inflated_bytes=200_000)):
            zf = open_zip(data, "OFD")
            for _ in range(10):
                read_member(zf, "Doc_0/Pages/Page_0/Content.xml", "OFD")


def test_converter_output_is_capped_and_its_group_killed(tmp_path: Path) -> None:
    from fairreview.read.limits import using
    from fairreview.read.office_convert import _run

    marker = tmp_path / "child-survived"
    script = f"(sleep 1; touch {marker}) & yes 公平竞争审查"
    with using(ReadLimits(converter_output_bytes=1_000_000)), pytest.raises(ReadError, match="输出超过"):
        _run(["sh", "-c", script], str(tmp_path), timeout=30)
    time.sleep(1.5)
    assert not marker.exists()


def test_converter_killed_on_keyboard_interrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fairreview.read import office_convert

    marker = tmp_path / "child-survived"
    calls = {"n": 0}

    def interrupt(_: float) -> None:
        calls["n"] += 1
        if calls["n"] > 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(office_convert.time, "sleep", interrupt)
    with pytest.raises(KeyboardInterrupt):
        office_convert._run(["sh", "-c", f"(sleep 1; touch {marker}) & sleep 30"], str(tmp_path), timeout=60)
    monkeypatch.undo()
    time.sleep(1.5)
    assert not marker.exists()


def test_conversion_leaves_no_temporary_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .wps the pure reader cannot decode goes to LibreOffice when present: its private folder is removed."""
    from fairreview.read import office_convert

    if not office_convert.soffice_path():
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui)")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    with pytest.raises(ReadError):
        extract((FORMATS / "policy-list.xls").read_bytes(), "works.wps")  # OLE, but no WordDocument
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("fairreview-convert-")]


def test_the_gate_is_applied_to_registered_readers_too() -> None:
    from fairreview.read import Extracted, register
    from fairreview.read.registry import READERS

    register(".zzz", lambda data, name: Extracted(text="{\\rtf1\\ansi " + data.decode(), format="zzz"))
    try:
        assert "RTF" in _error("第一条 内容。".encode() * 10, "x.zzz")
    finally:
        READERS.pop(".zzz")


def test_common_characters_are_those_of_the_codecs_code_by_code() -> None:
    """The common-ideograph table (built row by row for speed) holds exactly the GB 2312 and Big5 level-1
    ideographs, each code decoded on its own."""
    import contextlib

    from fairreview.read.plausible import _CJK, _common

    chars: set[str] = set()
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((b1, b2)).decode("gb2312"))
    for code in range(0xA440, 0xC67F):
        with contextlib.suppress(UnicodeDecodeError):
            chars.add(code.to_bytes(2, "big").decode("big5"))
    expected = frozenset(c for c in chars if _CJK.match(c))
    assert len(expected) > 8_000
    assert _common() == expected


def test_the_rare_ideographs_are_the_cjk_characters_not_in_everyday_use() -> None:
    from fairreview.read.plausible import _CJK, _common, _rare

    common, rare = _common(), _rare()
    every = [chr(cp) for cp in range(0x3000, 0xFB00)]
    assert [c for c in every if rare.match(c)] == [c for c in every if _CJK.match(c) and c not in common]


def test_no_rare_ideograph_is_one_gb2312_encodes_and_each_that_it_cannot_is_counted_once() -> None:
    """What _surely_common rests on: a rare ideograph is outside GB 2312, and "replace" less "ignore" counts the
    characters outside it, one each."""
    from fairreview.read.plausible import _rare

    rare = _rare()
    for ch in map(chr, range(0x10000)):
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            inside = False
        else:
            inside = True
        assert not (inside and rare.match(ch)), hex(ord(ch))
        assert len(ch.encode("gb2312", "replace")) - len(ch.encode("gb2312", "ignore")) == (not inside), hex(ord(ch))


# simplified (GB 2312), traditional (Big5 level 1 only), rare (neither), and other characters
_GATE_CHARS = st.sampled_from([*"公平竞争审查企业", *"經營審查這個", *"㐀䶵丂丄鿋", *"ab1 \n，。", "\U00020000"])


@settings(max_examples=300, deadline=None)
@given(st.text(_GATE_CHARS, min_size=1, max_size=200))
def test_the_quick_common_share_never_passes_a_text_the_exact_count_refuses(text: str) -> None:
    from fairreview.read.plausible import _CJK_RUN, MIN_COMMON_SHARE, _count, _rare, _surely_common

    cjk = _count(_CJK_RUN, text)
    if cjk and _surely_common(text, cjk):
        assert (cjk - len(_rare().findall(text))) / cjk >= MIN_COMMON_SHARE


def test_traditional_chinese_passes_the_gate_by_the_exact_count() -> None:
    from fairreview.read.plausible import _CJK_RUN, _count, _surely_common

    text = "第一條 為了規範市場競爭秩序，維護經營者合法權益，根據有關法律，結合本縣實際，制定本辦法。\n" * 3
    assert not _surely_common(text, _count(_CJK_RUN, text))  # traditional characters are outside GB 2312
    assert extract(text.encode("utf-8"), "x.txt").text.startswith("第一條")
