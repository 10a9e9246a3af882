"""Every format a district keeps, read from real files (tests/fixtures/formats/SOURCES.md: who made them)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fairreview.cli import main
from fairreview.pipeline import Engine
from fairreview.read import Extracted, ReadError, extract
from fairreview.read.office_convert import soffice_path
from fairreview.read.registry import sniff

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
NOTICE = (FORMATS / "notice.txt").read_text(encoding="utf-8").strip().split("\n")
HAVE_CONVERTER = bool(soffice_path() or shutil.which("antiword"))
needs_converter = pytest.mark.skipif(
    not HAVE_CONVERTER,
    reason="neither LibreOffice (apt-get install -y libreoffice-writer-nogui) nor antiword is installed",
)


def _lines(text: str) -> list[str]:
    """Lines without white space: PDF text keeps the typesetter's spaces around digits (2023 年)."""
    return [re.sub(r"\s+", "", ln) for ln in text.split("\n") if ln.strip()]


def _read(name: str, as_name: str | None = None) -> Extracted:
    return extract((FORMATS / name).read_bytes(), as_name or name)


@pytest.mark.parametrize("name", ["notice.txt", "notice.docx", "notice.rtf", "notice.html",
                                  "notice-ooxml.wps"])
def test_text_formats_read_the_known_content_exactly(name: str) -> None:
    ex = _read(name)
    assert ex.text.strip().split("\n") == NOTICE


@needs_converter
@pytest.mark.parametrize("name", ["notice.doc", "notice-word97.wps", "table.doc", "policy-lanzhou.doc"])
def test_word97_pure_reader_and_libreoffice_agree(name: str) -> None:
    """Where LibreOffice is installed, its conversion (the fallback path) and the pure reader give the same
    lines (tests/test_read_word97.py covers the pure reader without any converter)."""
    from fairreview.read.office_convert import convert

    data = (FORMATS / name).read_bytes()
    assert _lines(_read(name).text) == _lines(convert(data, "doc", "test").text)


def test_pdf_joins_wrapped_lines_into_the_known_paragraphs() -> None:
    ex = _read("notice.pdf")
    assert ex.format == "pdf"
    # each paragraph was wrapped over several lines by LibreOffice; the reader gives one line per paragraph
    assert _lines(ex.text) == _lines("\n".join(NOTICE))


def test_pdf_drops_running_header_and_page_numbers_and_joins_across_pages() -> None:
    ex = _read("parking-3pages.pdf")
    want = (FORMATS / "parking-3pages.expected.txt").read_text(encoding="utf-8")
    got = _lines(ex.text)
    # LibreOffice leaves one hanging line-final 、 out of the text layer (SOURCES.md): compare without 、
    assert [ln.replace("、", "") for ln in got] == [ln.replace("、", "") for ln in _lines(want)]
    assert "云溪县人民政府规范性文件" not in ex.text  # the running header of every page
    assert not re.search(r"—\s*\d+\s*—", ex.text)  # the "— 2 —" footers
    assert ex.hints["pages"] == 3
    # 第十九条 starts on page 2 and ends on page 3: one sentence in the text
    assert any(ln.startswith("第十九条") and ln.endswith("制定本办法。") for ln in got)


def test_pdf_without_text_layer_is_an_error_not_an_empty_document() -> None:
    with pytest.raises(ReadError, match="无文字层（扫描件），需先 OCR"):
        _read("bad/scanned.pdf")


def test_ofd_reading_order_and_line_joining() -> None:
    ex = _read("real-sample.ofd")
    lines = ex.text.split("\n")
    assert ex.format == "ofd"
    assert lines[0] == "电子文档测评新需求"
    # "1." "业务管理员" "(" "最新测评需要该角色" ")" are five TextObjects on one visual line
    assert lines[1] == "1.业务管理员(最新测评需要该角色)"
    # a sentence wrapped over two visual lines is one line of text
    assert "而业务管理员可管理和介入所有系统业务）" in ex.text
    assert "2. 电子文档与三集中管理" in lines
    # the DocInfo title is the converter's source file name, not a document title
    assert ex.hints["title"] is None


def _csv_lines() -> list[str]:
    with open(FORMATS / "policy-list.csv", encoding="utf-8") as fh:
        return ["\t".join(cell for cell in row if cell) for row in csv.reader(fh)]


@pytest.mark.parametrize(("name", "as_name"), [("policy-list.xlsx", None), ("policy-list.et", None),
                                               ("policy-list.xls", None), ("policy-list.xls", "binary.et")])
def test_spreadsheets_one_line_per_row_cells_tab_joined(name: str, as_name: str | None) -> None:
    """.xls (Excel 97, made by LibreOffice Calc) through xlrd; a WPS .et is OOXML or that same binary."""
    ex = _read(name, as_name)
    assert ex.text.split("\n") == _csv_lines()
    assert ex.format == (as_name or name).rsplit(".", 1)[-1]


def test_xls_saved_as_web_page_or_text_keeps_its_name() -> None:
    assert _read("notice.html", "web-page.xls").format == "xls(html)"
    assert _read("notice.txt", "export.xls").format == "xls(text)"


@pytest.mark.parametrize(
    ("source", "as_name", "fmt"),
    [
        ("notice.rtf", "saved-as-rtf.doc", "rtf"),
        ("notice.html", "saved-as-web-page.doc", "doc(html)"),
        ("notice.docx", "really-a-docx.doc", "doc(docx)"),
        ("notice-ooxml.wps", "ooxml-inside.wps", "wps"),
    ],
)
def test_content_decides_the_reader_not_the_extension(source: str, as_name: str, fmt: str) -> None:
    ex = _read(source, as_name)
    assert ex.format == fmt
    assert _lines(ex.text) == _lines("\n".join(NOTICE))


def test_sniff_knows_the_magic_numbers() -> None:
    assert sniff((FORMATS / "notice.docx").read_bytes()) == "zip"
    assert sniff((FORMATS / "notice.doc").read_bytes()) == "ole"
    assert sniff((FORMATS / "notice.pdf").read_bytes()) == "pdf"
    assert sniff((FORMATS / "notice.rtf").read_bytes()) == "rtf"
    assert sniff((FORMATS / "notice.txt").read_bytes()) is None


def test_cli_text_prints_exactly_what_the_scanner_reads() -> None:
    runner = CliRunner()
    for name in ("notice.pdf", "real-sample.ofd", "policy-list.xlsx"):
        result = runner.invoke(main, ["text", str(FORMATS / name)])
        assert result.exit_code == 0, result.output
        assert result.stdout == _read(name).text + "\n"


def test_cli_text_structure_shows_locations_and_spans() -> None:
    text = _read("notice.pdf").text
    result = CliRunner().invoke(main, ["text", "--structure", str(FORMATS / "notice.pdf")])
    assert result.exit_code == 0, result.output
    row = next(ln for ln in result.stdout.split("\n") if ln.lstrip().startswith("[第五条]"))
    span = re.search(r"(\d+)–(\d+)", row)
    assert span is not None, row
    start, end = (int(x) for x in span.groups())
    assert text[start:end].startswith("第五条")
    assert "标题：云溪县人民政府办公室关于印发云溪县中小企业融资担保补助管理办法的通知" in result.output


def test_cli_text_meta_and_errors_per_file() -> None:
    result = CliRunner().invoke(
        main, ["text", "--meta", str(FORMATS / "notice.docx"), str(FORMATS / "bad" / "scanned.pdf")]
    )
    assert result.exit_code == 2  # one file could not be read
    assert "文号：云政办规〔2023〕5号" in result.output
    assert "有效期至：2025-03-31" in result.output
    assert "无文字层（扫描件），需先 OCR" in result.output


def test_scan_of_the_fixture_folder_reads_every_document(engine: Engine) -> None:
    from fairreview import scan_paths

    report = scan_paths([str(FORMATS)], engine=engine)
    by_name = {Path(d.path).name: d for d in report.documents}
    for name in ("notice.docx", "notice.pdf", "notice.rtf", "notice.html", "notice.txt", "real-sample.ofd",
                 "policy-list.xlsx", "policy-list.et", "notice-ooxml.wps", "parking-3pages.pdf"):
        assert by_name[name].error is None, (name, by_name[name].error)
    assert by_name["scanned.pdf"].verdict == "error"
    assert by_name["encrypted.pdf"].verdict == "error"
    # the notice's 有效期 ended on 2025-03-31, before the engine's review date
    assert by_name["notice.pdf"].verdict == "expired"
    assert by_name["notice.pdf"].meta.expires == "2025-03-31"
