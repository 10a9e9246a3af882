"""Bad input: each is a clear per-file error in Chinese, the scan goes on, the summary counts it, and nothing
is written into the input folder."""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from memory_cap import memory_cap

from fairreview import Engine, Settings, scan_paths
from fairreview.read import ReadError, extract

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
    b"<w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


def _replace_member(data: bytes, member: str, content: bytes) -> bytes:
    """A copy of a real package with one member replaced (the rest byte-identical)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, content if info.filename == member else src.read(info.filename))
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (600 * 1024 * 1024 // 10))  # 60 MB of zeros, ~60 KB packed
    return out.getvalue()


def _error(data: bytes, name: str) -> str:
    with pytest.raises(ReadError) as info:
        extract(data, name)
    message = str(info.value)
    assert any("\u4e00" <= c <= "\u9fff" for c in message), message  # said in Chinese
    return message


@pytest.mark.parametrize("name", ["e.pdf", "e.docx", "e.doc", "e.ofd", "e.xlsx", "e.txt", "e.rtf", "e.wps"])
def test_empty_files(name: str) -> None:
    assert "为空" in _error(b"", name)


@pytest.mark.parametrize("name", ["notice.docx", "notice.pdf", "real-sample.ofd", "policy-list.xlsx",
                                  "notice.rtf"])
def test_truncated_files(name: str) -> None:
    data = (FORMATS / name).read_bytes()
    full = extract(data, name).text
    for cut in (len(data) // 2, len(data) - 40):
        try:
            ex = extract(data[:cut], name)
        except ReadError:
            continue
        # a reader that recovers must not invent text: every line it read is in the real document
        assert all(line in full for line in ex.text.split("\n")), name


@pytest.mark.parametrize("name", ["encrypted.pdf", "encrypted.docx", "encrypted.xlsx"])
def test_password_protected_files(name: str) -> None:
    assert "密码" in _error((FORMATS / "bad" / name).read_bytes(), name)


def test_encrypted_package_named_doc_or_wps_is_refused_before_conversion() -> None:
    data = (FORMATS / "bad" / "encrypted.docx").read_bytes()
    assert "密码" in _error(data, "secret.doc")
    assert "密码" in _error(data, "secret.wps")


@pytest.mark.parametrize("name", ["a.docx", "a.xlsx", "a.ofd", "a.wps"])
def test_corrupt_zip(name: str) -> None:
    data = bytearray((FORMATS / "notice.docx").read_bytes())
    data[30:400] = b"\xff" * 370  # keep the PK signature, destroy the first member
    _error(bytes(data), name)


def test_zip_bomb_is_refused() -> None:
    assert "压缩炸弹" in _error(_zip_bomb(), "bomb.docx")


@pytest.mark.parametrize(
    ("source", "member", "name"),
    [("notice.docx", "word/document.xml", "laughs.docx"),
     ("policy-list.xlsx", "xl/workbook.xml", "laughs.xlsx"),
     ("real-sample.ofd", "Doc_0/Page_1/Content.xml", "laughs.ofd"),
     ("real-sample.ofd", "OFD.xml", "laughs2.ofd")],
)
def test_xml_bomb_is_refused(source: str, member: str, name: str) -> None:
    data = _replace_member((FORMATS / source).read_bytes(), member, BILLION_LAUGHS)
    assert "XML 炸弹" in _error(data, name)


def test_binary_named_txt() -> None:
    assert "二进制" in _error((FORMATS / "notice.docx").read_bytes(), "really-a-docx.txt")
    assert "二进制" in _error(bytes(range(256)) * 40, "noise.txt")


def test_random_bytes_named_pdf_doc_ofd() -> None:
    noise = bytes((i * 7919) % 256 for i in range(5000))
    for name in ("x.pdf", "x.doc", "x.ofd", "x.rtf", "x.xlsx"):
        _error(noise, name)


def test_oversized_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes("公平竞争审查。\n".encode() * 200_000)  # ~4 MB
    engine = Engine(Settings(as_of="2026-11-27", max_bytes=1024 * 1024))
    (doc,) = scan_paths([str(big)], engine=engine).documents
    assert doc.verdict == "error" and "文件过大" in (doc.error or "")


def _snapshot(folder: Path) -> dict[str, tuple[int, float]]:
    out = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        for n in dirs + files:
            p = Path(root, n)
            st = p.lstat()
            out[str(p.relative_to(folder))] = (st.st_size, st.st_mtime)
    return out


def test_a_folder_of_bad_input_is_scanned_to_the_end(tmp_path: Path, engine: Engine) -> None:
    folder = tmp_path / "district"
    folder.mkdir()
    shutil.copy(FORMATS / "notice.docx", folder / "good.docx")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "half.docx").write_bytes((FORMATS / "notice.docx").read_bytes()[:2000])
    shutil.copy(FORMATS / "bad" / "encrypted.pdf", folder / "locked.pdf")
    shutil.copy(FORMATS / "bad" / "encrypted.xlsx", folder / "locked.xlsx")
    (folder / "bomb.docx").write_bytes(_zip_bomb())
    (folder / "laughs.ofd").write_bytes(
        _replace_member((FORMATS / "real-sample.ofd").read_bytes(), "OFD.xml", BILLION_LAUGHS))
    (folder / "binary.txt").write_bytes((FORMATS / "notice.docx").read_bytes())
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)  # a folder loop
    os.mkfifo(folder / "pipe.txt")  # opening it would block the scan
    shutil.copy(FORMATS / "notice.pdf", folder / "sub" / "good.pdf")
    before = _snapshot(folder)

    report = scan_paths([str(folder)], engine=engine)

    assert _snapshot(folder) == before  # nothing written, nothing changed in the input folder
    by_name = {os.path.relpath(d.path, folder): d for d in report.documents}
    for bad in ("empty.pdf", "half.docx", "locked.pdf", "locked.xlsx", "bomb.docx", "laughs.ofd",
                "binary.txt", "loop-a.txt", "loop-b.txt", "pipe.txt", "sub/up"):
        doc = by_name[bad]
        assert doc.verdict == "error", (bad, doc.verdict)
        assert doc.error and any("\u4e00" <= c <= "\u9fff" for c in doc.error), (bad, doc.error)
    assert "循环" in str(by_name["loop-a.txt"].error)
    assert "循环" in str(by_name["sub/up"].error)
    assert "管道" in str(by_name["pipe.txt"].error)
    for good in ("good.docx", "sub/good.pdf"):
        assert by_name[good].error is None and by_name[good].chars > 0
    summary = report.summary()
    assert summary["error"] == 11
    assert summary["documents"] == len(report.documents) == 13


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder: permissions cannot be tested as root")
def test_unreadable_folder_is_an_entry(tmp_path: Path, engine: Engine) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("第一条 内容。", encoding="utf-8")
    locked.chmod(0)
    try:
        report = scan_paths([str(tmp_path)], engine=engine)
    finally:
        locked.chmod(0o755)
    (doc,) = [d for d in report.documents if d.path.endswith("locked")]
    assert doc.verdict == "error" and "文件夹" in (doc.error or "")


def test_reading_a_word_file_never_writes_next_to_the_input(tmp_path: Path) -> None:
    """The pure reader works in memory; a converter (when one is used) on a copy in a private folder."""
    src = tmp_path / "notice.doc"
    shutil.copy(FORMATS / "notice.doc", src)
    before = _snapshot(tmp_path)
    extract(src.read_bytes(), src.name)
    assert _snapshot(tmp_path) == before


def test_a_stuck_converter_is_killed_with_its_children(tmp_path: Path) -> None:
    """The time-out ends the converter's whole process group (LibreOffice starts helper processes)."""
    from fairreview.read.office_convert import _run

    marker = tmp_path / "child-survived"
    script = f"(sleep 1; touch {marker}) & sleep 30"
    with pytest.raises(ReadError, match="超时"):
        _run(["sh", "-c", script], str(tmp_path), timeout=0.5)
    time.sleep(1.5)  # past the moment the orphaned child would have written the marker
    assert not marker.exists()


def test_an_ole_directory_that_loops_is_the_files_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """olefile walks the directory tree recursively; entries that point back at each other (a mutated .doc
    found by the fuzz test, seed 1709856498) end in RecursionError, which is the file's fault: a ReadError."""
    import olefile

    from fairreview.read.safety import ole_streams

    data = (FORMATS / "notice.doc").read_bytes()
    assert "WordDocument" in ole_streams(data)

    def loop(self: object, *args: object, **kwargs: object) -> list[list[str]]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(olefile.OleFileIO, "listdir", loop)
    with pytest.raises(ReadError, match="自相引用"):
        ole_streams(data)


def _workbook_with_a_looping_chain() -> bytes:
    """The .xls fixture with one entry of its mini-sector table pointing back at the Workbook stream's first
    sector: the stream's chain becomes a cycle (a mutation of this kind ended a CI run out of memory)."""
    import struct

    import olefile

    data = bytearray((FORMATS / "policy-list.xls").read_bytes())
    with olefile.OleFileIO(io.BytesIO(bytes(data))) as ole:
        entry = next(e for e in ole.direntries if e is not None and e.name == "Workbook")
        assert entry.size < ole.minisectorcutoff  # kept in the mini stream, read through the mini-sector table
        start, sector_size = entry.isectStart, ole.sectorsize
        minifat_sector = struct.unpack_from("<i", data, 0x3C)[0]
    last = start + entry.size // 64 - 1  # the fixture's chain runs through consecutive mini sectors
    struct.pack_into("<i", data, 512 + minifat_sector * sector_size + 4 * last, start)
    return bytes(data)


def test_a_workbook_whose_sector_chain_loops_is_the_files_error() -> None:
    """xlrd's own compound-file reader follows such a chain for ever, gathering memory; the reader takes the
    stream out with olefile, which reads no more sectors than the stream declares. The address space is capped
    meanwhile, so that the old behaviour fails here quickly (MemoryError) instead of exhausting the machine."""
    data = _workbook_with_a_looping_chain()
    started = time.monotonic()
    with memory_cap(512), pytest.raises(ReadError) as exc:
        extract(data, "list.xls")
    assert "MemoryError" not in str(exc.value)
    assert "工作簿" in str(exc.value)
    assert time.monotonic() - started < 10


def _rtf_unicode(text: str) -> str:
    return "".join(f"\\u{ord(c)}?" for c in text)


@pytest.mark.parametrize("uc", ["\\uc", "\\uc ", "\\uc1"])
def test_an_rtf_that_writes_uc_without_its_number_is_read(uc: str) -> None:
    """A bare \\uc (RTF's default: one fallback character after each \\uN) made striprtf fail with TypeError,
    which ended the document as an internal error; it is read as \\uc1."""
    body = "第一条 为规范本县政府采购活动，维护公平竞争的市场秩序，根据有关法律法规，制定本办法。"
    data = f"{{\\rtf1\\ansi{uc}{_rtf_unicode(body)}\\par}}".encode("ascii")
    assert extract(data, "notice.rtf").text == body


def test_a_workbook_with_one_value_in_its_last_cell_is_read_not_refused_as_a_bomb() -> None:
    """xlrd pads every row to the widest one unless told not to: one value moved to IV65536 (row 65,536,
    column 256) made 16.7 million empty cells, and the cell budget refused an ordinary six-row list."""
    import struct

    data = bytearray((FORMATS / "policy-list.xls").read_bytes())
    original = extract(bytes(data), "list.xls").text
    label = [i for i in range(len(data) - 4) if data[i:i + 4] == b"\xfd\x00\x0a\x00"][-1]  # LABELSST records
    struct.pack_into("<HH", data, label + 4, 65535, 255)  # the last cell's row and column
    moved = extract(bytes(data), "list.xls").text
    last = original.split("\n")[-1].split("\t")[-1]
    assert moved.split("\n")[-1] == last  # the value, on a line (a row) of its own
    assert sorted(moved.replace("\n", "\t").split("\t")) == sorted(original.replace("\n", "\t").split("\t"))


def _sheet(rows: list[list[object]], far: dict[str, str] | None = None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    for ref, value in (far or {}).items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ROWS: list[list[object]] = [[i, f"第{i}项 首次升规工业企业奖励", "县工业和信息化局"] for i in range(1, 7)]


def test_a_spreadsheet_with_one_value_in_its_last_cell_is_read_not_refused_as_a_bomb() -> None:
    """openpyxl pads rows to the sheet's declared size: one value in XFD1048576 made 17 billion empty cells."""
    text = extract(_sheet(ROWS, {"XFD1048576": "与省级奖励不重复享受"}), "list.xlsx").text
    assert text.split("\n")[-1] == "与省级奖励不重复享受"
    assert text.split("\n")[:-1] == extract(_sheet(ROWS), "list.xlsx").text.split("\n")


def test_a_spreadsheet_over_the_cell_budget_is_refused() -> None:
    from fairreview.read.limits import ReadLimits

    data = _sheet(ROWS * 20)  # 360 cells
    assert extract(data, "list.xlsx", limits=ReadLimits(max_cells=400)).text
    with pytest.raises(ReadError, match="单元格过多"):
        extract(data, "list.xlsx", limits=ReadLimits(max_cells=300))


def test_rows_numbered_far_apart_cost_the_cell_budget_too() -> None:
    """An empty row costs a cell: rows numbered up to 10^9 end at the budget, not after 10^9 empty rows."""
    from fairreview.read.limits import ReadLimits

    source = _sheet(ROWS)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b'<row r="6"', b'<row r="999999999"').replace(b'r="A6"', b'r="A999999999"')
                assert b"999999999" in part
            dst.writestr(info, part)
    started = time.monotonic()
    with pytest.raises(ReadError, match="单元格过多"):
        extract(out.getvalue(), "list.xlsx", limits=ReadLimits(max_cells=10_000))
    assert time.monotonic() - started < 10
