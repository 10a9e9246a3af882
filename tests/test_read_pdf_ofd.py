"""PDF and OFD: damage the reader can see, budgets of pages and characters (issue 12), and the 红头/文号/title
lines kept apart (issue 13)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hostile_files import ofd_document, ofd_page_bomb, pdf_page_bomb

from fairreview.read import ReadError, ReadLimits, extract

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"


def _error(data: bytes, name: str) -> str:
    with pytest.raises(ReadError) as info:
        extract(data, name)
    return str(info.value)


def test_pdf_cut_short_says_so() -> None:
    data = (FORMATS / "notice.pdf").read_bytes()
    for keep in (0.5, 0.9):
        assert "不完整" in _error(data[: int(len(data) * keep)], "notice.pdf")


def test_pdf_whose_fonts_do_not_map_to_unicode() -> None:
    """The same PDF with its ToUnicode maps made unreadable (one letter renamed in place, so offsets hold)."""
    data = (FORMATS / "notice.pdf").read_bytes()
    assert b"/ToUnicode" in data
    broken = data.replace(b"/ToUnicode", b"/ToUnicodX")
    message = _error(broken, "unmapped.pdf")
    assert "PDF 文字无法识别（可能为扫描件或字体未嵌入映射）" in message


def test_pdf_with_pages_but_almost_no_text() -> None:
    """Ten pages that hold three characters each: a scan with a stray text object, or a damaged file."""
    message = _error(pdf_page_bomb(pages=10, lines=1, line="a 1"), "few.pdf")
    assert "PDF 文字过少（10 页只有 20 个字符）" in message


def test_page_bombs_are_refused_before_their_pages_are_read() -> None:
    assert "页数过多" in _error(pdf_page_bomb(), "bomb.pdf")
    assert "页数过多" in _error(ofd_page_bomb(), "bomb.ofd")


def test_character_budget_stops_shared_content_early() -> None:
    """Under the page cap, pages that share one heavy content part still stop at the character budget."""
    small = ReadLimits(max_chars=100_000)
    with pytest.raises(ReadError, match="超过 100000 字"):
        extract(ofd_page_bomb(pages=400, objects=400), "shared.ofd", limits=small)
    with pytest.raises(ReadError, match="超过 100000 字"):
        extract(pdf_page_bomb(pages=400, lines=120), "shared.pdf", limits=small)


def _meta(text: str) -> tuple[str | None, str | None]:
    from fairreview.facts import extract_meta
    from fairreview.read import normalize
    from fairreview.structure import parse

    norm = normalize(text).text
    title = parse(norm).title
    return title, extract_meta(norm, title).doc_number


def test_pdf_flush_right_doc_number_and_title_are_separate(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    pdf = FORMATS / "redhead.pdf"
    if soffice:  # the committed file is what LibreOffice makes of redhead.fodt; check it still is
        subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
                        "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(tmp_path),
                        str(FORMATS / "redhead.fodt")], check=True, capture_output=True, timeout=300)
        pdf = tmp_path / "redhead.pdf"
    text = extract(pdf.read_bytes(), "redhead.pdf").text
    assert "云政办发〔2024〕18号" in text.replace(" ", "").split("\n")
    assert _meta(text) == ("云溪县人民政府办公室关于进一步规范政府投资项目招标投标活动的通知", "云政办发〔2024〕18号")


def test_ofd_doc_number_and_title_are_separate() -> None:
    """A 公文 head laid out as OFD writers do: a 红头 in 10 mm type, the 文号 flush right in 5.6 mm (三号) type,
    the title in 7.7 mm (二号) type over two lines, the body in 三号."""
    lines = [("云溪县人民政府办公室文件", 20.0, 40.0, 10.0),
             ("云政办发〔2024〕18号", 128.0, 60.0, 5.6),
             ("云溪县人民政府办公室关于进一步规范政府投资项目", 20.0, 75.0, 7.7),
             ("招标投标活动的通知", 70.0, 86.0, 7.7),
             ("各乡镇人民政府，县政府各部门：", 20.0, 100.0, 5.6)]
    lines += [(f"{n}、招标人应当依法编制招标文件，不得以不合理的条件限制或者排斥潜在投标人。", 20.0, 110.0 + 10 * i, 5.6)
              for i, n in enumerate("一二三四")]
    text = extract(ofd_document(lines), "head.ofd").text
    assert text.split("\n")[1] == "云政办发〔2024〕18号"
    assert _meta(text) == ("云溪县人民政府办公室关于进一步规范政府投资项目招标投标活动的通知", "云政办发〔2024〕18号")


