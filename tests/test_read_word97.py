"""Word 97–2003 (.doc) and WPS (.wps) binaries read in pure Python (fairreview/read/word97.py), on files made by
LibreOffice (tests/fixtures/formats/SOURCES.md); compared with LibreOffice's own text export (NAME.lo.txt).

None of these tests needs LibreOffice: the converter is hidden from the reader where that matters."""

from __future__ import annotations

import re
import shutil
import struct
from pathlib import Path

import olefile
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from fairreview.cli import main
from fairreview.facts.dates import cn_int
from fairreview.read import ReadError, extract
from fairreview.read import office_convert as oc
from fairreview.read.word97 import Piece, parse_fib, parse_pieces, read_word97, render

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"


@pytest.fixture(autouse=True)
def _no_converter(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a clerk's PC: neither LibreOffice nor antiword."""
    monkeypatch.setattr(oc.shutil, "which", lambda name: None)


def _lines(text: str) -> list[str]:
    return [re.sub(r"\s+", "", ln) for ln in text.split("\n") if ln.strip()]


def _lo(name: str) -> list[str]:
    return _lines((FORMATS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["table.doc", "regulation-jinan.doc", "policy-lanzhou.doc"])
def test_text_is_libreoffices_text(name: str) -> None:
    ex = extract((FORMATS / name).read_bytes(), name)
    assert ex.format == "doc" and ex.hints["reader"] == "word97"
    assert _lines(ex.text) == _lo(name.replace(".doc", ".lo.txt"))


@pytest.mark.parametrize("name", ["notice.doc", "notice-word97.wps"])
def test_notice_is_the_known_text_exactly(name: str) -> None:
    ex = extract((FORMATS / name).read_bytes(), name)
    assert ex.text == (FORMATS / "notice.txt").read_text(encoding="utf-8").strip()
    assert ex.format == name.rsplit(".", 1)[1]


def test_table_cells_are_lines_and_empty_cells_vanish() -> None:
    lines = extract((FORMATS / "table.doc").read_bytes(), "table.doc").text.split("\n")
    i = lines.index("序号")
    assert lines[i:i + 4] == ["序号", "补助项目", "补助标准", "申报条件"]
    # a cell of two paragraphs gives two lines; the empty cell of row 3 gives none
    assert "已完成竣工验收；" in lines and lines[lines.index("已完成竣工验收；") + 1] == "设备购置发票齐全。"
    row3 = lines[lines.index("3"):lines.index("3") + 3]
    assert row3 == ["3", "农产品品牌建设", "获得省级以上品牌认定"]
    assert lines[-1] == "第四条 本标准自2024年6月1日起施行，有效期至2026年5月31日。"


def test_fields_keep_results_drop_instructions_and_deleted_text() -> None:
    ex = extract((FORMATS / "fields.doc").read_bytes(), "fields.doc")
    text = ex.text
    for instruction in ("HYPERLINK", "http://", "PAGE", "DATE", "REF", "yyyy"):
        assert instruction not in text
    assert "申请人可以通过县政府门户网站在线办理登记。" in text  # hyperlink result kept, tracked deletion gone
    assert "已删除的限制条件文字" not in text
    assert "本措施自2024年4月1日起施行" in text  # DATE field result
    assert "本页为第1页。" in text  # PAGE field result
    assert "第四条 登记机关应当在\t三个工作日内办结；\n材料齐全的当场办结。" in text  # tab and line break
    # headers and comments are not the document; the footnote and the text box follow the main text
    assert "页眉文字" not in text and "批注文字" not in text
    assert text.split("\n")[-2:] == ["脚注正文：个体工商户的认定依照《促进个体工商户发展条例》。",
                                     "文本框文字：申请材料清单另行公布。"]
    assert ex.hints["appended_notes"] == 2


@pytest.mark.parametrize(("name", "as_name", "number", "clauses"), [
    ("table.doc", "table.doc", "云财规〔2024〕3号", ["第一条", "第四条"]),
    ("fields.doc", "fields.wps", "云市监规〔2024〕2号", ["第一条", "第六条"]),
    ("policy-lanzhou.doc", "policy-lanzhou.wps", "兰政办发〔2019〕97号", ["第一章", "第十五条"]),
    ("regulation-jinan.doc", "regulation-jinan.doc", None, ["第一章", "第七章", "第五十七条"]),
])
def test_cli_recovers_structure_and_doc_number(tmp_path: Path, name: str, as_name: str, number: str | None,
                                               clauses: list[str]) -> None:
    path = tmp_path / as_name
    shutil.copy(FORMATS / name, path)
    result = CliRunner().invoke(main, ["text", "--structure", "--meta", str(path)])
    assert result.exit_code == 0, result.output
    locations = re.findall(r"\[([^\]]+)\]", result.output)
    for clause in clauses:
        assert any(loc.startswith(clause) or loc.endswith(clause) for loc in locations), (clause, locations[:40])
    assert f"文号：{number or '（未识别）'}" in result.output
    assert "标题：（未识别）" not in result.output


def test_regulation_keeps_every_chapter_and_article() -> None:
    text = extract((FORMATS / "regulation-jinan.doc").read_bytes(), "r.doc").text
    source = (FORMATS / "regulation-jinan.lo.txt").read_text(encoding="utf-8")
    for unit in ("条", "章"):
        pattern = rf"^第[一二三四五六七八九十百]+{unit}"
        assert re.findall(pattern, text, re.M) == re.findall(pattern, source, re.M)
    # the articles run 第一条, 第二条 … without a gap or a repeat (a lost or doubled piece would break that)
    numbers = [cn_int(m) for m in re.findall(r"^第([一二三四五六七八九十百]+)条", text, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 50


# ---- generated variants of real files: piece tables Word writes and LibreOffice does not --------------------

def _streams(data: bytes) -> tuple[bytes, bytes, str]:
    ole = olefile.OleFileIO(data)
    word = ole.openstream("WordDocument").read()
    fib = parse_fib(word)
    table = ole.openstream(fib.table).read()
    ole.close()
    return word, table, fib.table


def _rewrite(tmp_path: Path, data: bytes, word: bytes, table: bytes | None = None) -> bytes:
    """The same OLE file with the WordDocument (and table) stream replaced by same-size bytes."""
    path = tmp_path / "variant.doc"
    path.write_bytes(data)
    ole = olefile.OleFileIO(str(path), write_mode=True)
    ole.write_stream("WordDocument", word)
    if table is not None:
        ole.write_stream(parse_fib(word).table, table)
    ole.close()
    return path.read_bytes()


def _fclcb_offset(word: bytes) -> int:
    csw = struct.unpack_from("<H", word, 32)[0]
    cslw = struct.unpack_from("<H", word, 34 + 2 * csw)[0]
    return 34 + 2 * csw + 2 + 4 * cslw + 2


def test_compressed_and_out_of_order_pieces(tmp_path: Path) -> None:
    """Word stores runs of Latin-1 text as 8-bit "compressed" pieces, and a fast-saved file's pieces lie
    anywhere in the stream: split the notice's one Unicode piece into ASCII runs stored 8-bit and the rest
    UTF-16, listed in CP order but stored out of order, and put the new piece table where the style sheet was."""
    data = (FORMATS / "notice.doc").read_bytes()
    word, table, _ = _streams(data)
    (piece,) = parse_pieces(table, *parse_fib(word).clx)
    text = word[piece.fc:piece.fc + 2 * (piece.end - piece.cp)].decode("utf-16-le")
    buf = bytearray(word)
    cps, pcds = [0], []
    for m in re.finditer(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        fc = piece.fc + 2 * m.start()
        if m.group().isascii():
            buf[fc:fc + len(m.group())] = m.group().encode("latin-1")  # 8-bit, over its own UTF-16 bytes
            raw = (2 * fc) | 0x40000000
        else:
            raw = fc
        pcds.append(struct.pack("<HIH", 0, raw, 0))
        cps.append(m.end())
    assert len(pcds) > 20 and any(struct.unpack("<HIH", p)[1] & 0x40000000 for p in pcds)
    plc = struct.pack(f"<{len(cps)}I", *cps) + b"".join(pcds)
    clx = b"\x01\x02\x00\x00\x00" + b"\x02" + struct.pack("<I", len(plc)) + plc  # a Prc first, as Word writes
    at = _fclcb_offset(word)
    fc_stsh, lcb_stsh = struct.unpack_from("<II", word, at + 8)  # the style sheet: room for the new table
    assert lcb_stsh >= len(clx)
    new_table = bytearray(table)
    new_table[fc_stsh:fc_stsh + len(clx)] = clx
    struct.pack_into("<II", buf, at + 66 * 4, fc_stsh, len(clx))
    variant = _rewrite(tmp_path, data, bytes(buf), bytes(new_table))
    assert read_word97(variant, "v.doc").text == (FORMATS / "notice.txt").read_text(encoding="utf-8").strip()


def test_compressed_text_uses_the_cp1252_punctuation_of_the_spec() -> None:
    from fairreview.read.word97 import _decode

    assert _decode(b"\x93Fair\x94 \x96 review\x85 caf\xe9", compressed=True) == "\u201cFair\u201d \u2013 review\u2026 café"


def test_encrypted_and_obfuscated_word_files_are_refused(tmp_path: Path) -> None:
    data = (FORMATS / "notice.doc").read_bytes()
    word, _, _ = _streams(data)
    for bit in (0x0100, 0x8000):  # fEncrypted, fObfuscated
        buf = bytearray(word)
        struct.pack_into("<H", buf, 0x0A, struct.unpack_from("<H", buf, 0x0A)[0] | bit)
        with pytest.raises(ReadError, match="加密或设有打开密码"):
            extract(_rewrite(tmp_path, data, bytes(buf)), "locked.doc")


def test_word95_needs_a_converter_and_says_so(tmp_path: Path) -> None:
    data = (FORMATS / "notice.doc").read_bytes()
    word, _, _ = _streams(data)
    buf = bytearray(word)
    struct.pack_into("<H", buf, 0, 0xA5DC)  # the wIdent of Word 6.0/95
    with pytest.raises(ReadError, match=r"Word 6\.0/95.*LibreOffice"):
        extract(_rewrite(tmp_path, data, bytes(buf)), "old.doc")


def test_piece_beyond_the_stream_is_a_truncated_file(tmp_path: Path) -> None:
    data = (FORMATS / "notice.doc").read_bytes()
    word, table, _ = _streams(data)
    fc, lcb = parse_fib(word).clx
    buf = bytearray(table)
    struct.pack_into("<I", buf, fc + lcb - 6, len(word) - 100)  # the piece now starts near the stream's end
    with pytest.raises(ReadError, match="不完整"):
        read_word97(_rewrite(tmp_path, data, word, bytes(buf)), "cut.doc")


def test_wps_that_is_not_word97_gets_a_chinese_reason() -> None:
    """An OLE .wps without a WordDocument stream (Microsoft Works, WPS 2000-era formats)."""
    data = (FORMATS / "policy-list.xls").read_bytes()  # an OLE file whose streams are not Word's
    with pytest.raises(ReadError, match="不是 Word 97–2003 兼容格式.*另存为 .docx"):
        extract(data, "old-kingsoft.wps")


def test_truncated_word_files_are_errors_or_true_prefixes() -> None:
    data = (FORMATS / "policy-lanzhou.doc").read_bytes()
    full = extract(data, "p.doc").text
    for cut in (len(data) // 3, len(data) // 2, len(data) - 512):
        try:
            ex = extract(data[:cut], "p.doc")
        except ReadError as exc:
            assert re.search("[\u4e00-\u9fff]", str(exc))
            continue
        assert all(line in full for line in ex.text.split("\n"))


# ---- rendering Word's characters ------------------------------------------------------------------------------

_PLAIN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40) | st.sampled_from("，。 ab1"),
                 max_size=30)


@given(_PLAIN, _PLAIN, _PLAIN, _PLAIN)
def test_field_results_kept_instructions_dropped_at_any_depth(before: str, instr: str, result: str,
                                                               after: str) -> None:
    inner = f"\x13 PAGE {instr}\x14{result}\x15"
    nested = f"{before}\x13 IF {instr} {inner}\x14{result}{inner}\x15{after}"
    assert render(nested) == (before + result + result + after).rstrip()
    assert render(f"{before}\x13 SYMBOL {instr}\x15{after}") == (before + after).rstrip()  # no result part


@given(st.lists(_PLAIN.filter(lambda s: s.strip() != ""), min_size=1, max_size=6))
def test_cells_become_lines(cells: list[str]) -> None:
    row = "".join(c + "\x07" for c in cells) + "\x07"  # cells, then the row-end mark
    assert render(row).split("\n") == [c.rstrip() for c in cells]


@given(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=80))
def test_render_never_leaves_control_characters(raw: str) -> None:
    assert not re.search("[\x00-\x08\x0b-\x1f]", render(raw))


def test_piece_table_order_is_checked() -> None:
    plc = struct.pack("<3I", 0, 10, 5) + struct.pack("<HIH", 0, 0x800, 0) * 2
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    with pytest.raises(ReadError, match="顺序错误"):
        parse_pieces(clx, 0, len(clx))
    plc = struct.pack("<2I", 0, 4) + struct.pack("<HIH", 0, 0x40000800, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    assert parse_pieces(clx, 0, len(clx)) == [Piece(0, 4, 0x400, True)]
