"""The 台账: real XLSX (openpyxl) and CSV, final conclusions over recommendations, decisions per clause;
laid out for printing; hostile names and text kept as data; written whole or not at all."""

from __future__ import annotations

import csv
import errno
import io
import math
import re
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from fairreview import atomic_file, scan_paths
from fairreview.escapes import from_sheet_cell, unescape_text
from fairreview.model import DocumentResult, Finding, Meta, Report
from fairreview.pipeline import Engine
from fairreview.report.text_width import width
from fairreview.review.apply import apply_review, register_document
from fairreview.review.fingerprint import sentence_fingerprint
from fairreview.review.ledger import (
    DOC_HEADERS,
    FINDING_HEADERS,
    MAX_COLUMN_WIDTH,
    MIN_COLUMN_WIDTH,
    write_ledger,
)
from fairreview.review.status import local_time
from fairreview.review.store import Store

LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")

DIRTY = """某县关于扶持本地物流企业发展的若干规定

第一条 为促进本县物流业发展，制定本规定。
第二条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。
第三条 申请物流园区入驻补贴的企业须在本县注册并在本县纳税。
第四条 对年度纳税额超过200万元的物流企业，按其地方财政贡献的30%给予奖励。
第五条 物流企业应当依法经营，保障寄递安全。
第六条 本规定自发布之日起施行。
"""
CLEAN = "某县关于做好秋冬季森林防火工作的通知\n\n一、加强火源管控，严禁野外用火。\n二、落实值班值守制度。\n"


def reviewed_report(engine: Engine, tmp_path: Path) -> tuple[Report, list[str]]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(DIRTY, encoding="utf-8")
    (docs / "b.txt").write_text(CLEAN, encoding="utf-8")
    report = scan_paths([str(docs)], engine=engine)
    dirty = report.documents[0]
    flagged = dirty.flagged
    assert len(flagged) >= 3
    store = Store.open(tmp_path / "r.db")
    doc_id = register_document(store, dirty)
    kinds = ["dismissed", "confirmed", "exception"]
    for f, kind in zip(flagged, kinds, strict=False):
        store.decide(doc_id, f.rule, sentence_fingerprint(f.text), kind, "王五", reason="理由" + kind,
                     deadline="2027-12-31" if kind == "exception" else None)
    store.add_note(doc_id, flagged[1].rule, sentence_fingerprint(flagged[1].text), "已通知起草单位", "王五")
    store.conclude(doc_id, "repeal", "整体废止，另行制定", "赵六", recommended=dirty.verdict)
    for d in report.documents:
        d.meta.doc_number = "云政发〔2024〕3号" if d is dirty else None
    dirty.meta.issuer, dirty.meta.issued = "云溪县人民政府", "2024-03-01"
    dirty.meta.effective, dirty.meta.expires = "2024-03-01", "2029-02-28"
    apply_review(report, store)
    store.close()
    return report, [f.location for f in flagged]


def test_xlsx_ledger(engine: Engine, tmp_path: Path) -> None:
    report, locations = reviewed_report(engine, tmp_path)
    out = tmp_path / "台账.xlsx"
    assert write_ledger(report, out) == [out]
    wb = load_workbook(out)
    assert wb.sheetnames == ["文件台账", "问题条款"]
    ws = wb["文件台账"]
    # the final conclusion counts: one 废止 (reviewer) and one 保留
    assert ws["A1"].value.startswith("共排查 2 件：保留 1 件，修改 0 件，废止 1 件，失效 0 件")
    assert "A1:N1" in [str(r) for r in ws.merged_cells.ranges]
    header = [c.value for c in ws[2]]
    assert header == DOC_HEADERS
    assert all(c.font.bold and c.fill.fgColor.rgb.endswith("DDE5F0") for c in ws[2])
    row = dict(zip(header, [c.value for c in ws[3]], strict=True))
    assert row["序号"] == 1 and row["文件名称"] == "某县关于扶持本地物流企业发展的若干规定"
    assert row["文件路径"] == report.documents[0].path
    assert row["文号"] == "云政发〔2024〕3号" and row["制定机关"] == "云溪县人民政府"
    assert row["发布日期"] == "2024-03-01" and row["有效期"] == "2024-03-01 至 2029-02-28"
    assert row["最终结论"] == "废止" and row["理由"] == "整体废止，另行制定"
    assert row["复核人"] == "赵六" and LOCAL_TIME.match(row["复核时间"])
    assert row["建议结论"] in ("修改", "废止")
    # the dismissed clause is not listed; the excepted one is, with its time limit
    places = row["问题条款位置"]
    assert locations[1] in places and "实施期限至 2027-12-31" in places
    assert "《公平竞争审查条例》" in row["违反条款依据"]
    clean = dict(zip(header, [c.value for c in ws[4]], strict=True))
    assert clean["建议结论"] == "保留" and not clean["最终结论"] and not clean["问题条款位置"]
    for col in "ABCDEFGHIJKLMN":
        assert MIN_COLUMN_WIDTH <= ws.column_dimensions[col].width <= MAX_COLUMN_WIDTH
    assert ws.freeze_panes == "C3"

    ws2 = wb["问题条款"]
    assert [c.value for c in ws2[1]] == FINDING_HEADERS
    rows = [dict(zip(FINDING_HEADERS, r, strict=True)) for r in ws2.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == len(report.documents[0].flagged)
    assert [r["复核结论"] for r in rows[:3]] == ["误报", "确认违规", "适用例外"]
    assert rows[0]["复核理由"] == "理由dismissed" and rows[2]["实施期限"] == "2027-12-31"
    assert "已通知起草单位" in rows[1]["备注"] and rows[1]["复核人"] == "王五"
    assert all(LOCAL_TIME.match(r["复核时间"]) for r in rows[:3])
    assert all(r["复核结论"] == "待复核" for r in rows[3:])


def test_csv_ledger_writes_two_files_excel_can_open(engine: Engine, tmp_path: Path) -> None:
    report, _ = reviewed_report(engine, tmp_path)
    out = tmp_path / "台账.csv"
    written = write_ledger(report, out)
    assert written == [out, tmp_path / "台账-问题条款.csv"]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Chinese
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == DOC_HEADERS and len(rows) == 3 and rows[1][DOC_HEADERS.index("最终结论")] == "废止"
    with open(written[1], encoding="utf-8-sig", newline="") as fh:
        frows = list(csv.reader(fh))
    assert frows[0] == FINDING_HEADERS and frows[1][11] == "误报"


def test_xlsx_ledger_is_laid_out_for_printing(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report, _ = reviewed_report(engine, tmp_path)
    out = tmp_path / "台账.xlsx"
    write_ledger(report, out)
    wb = load_workbook(out)
    for ws, header_row in ((wb["文件台账"], 2), (wb["问题条款"], 1)):
        setup = ws.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0  # one page wide, as long as needed
        assert ws.print_title_rows == f"${header_row}:${header_row}"  # the header row on every page
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[header_row]]
        # about 200 characters across at most (the ledger used to be ~407): readable when fit to A4
        assert sum(widths) <= 215, sum(widths)
        for r in range(header_row + 1, ws.max_row + 1):
            assert ws.row_dimensions[r].height >= 15  # heights set: wrapped text is not cut off
            assert all(c.alignment.wrap_text for c in ws[r][1:])
        for row in ws.iter_rows(min_row=header_row + 1):
            height = ws.row_dimensions[row[0].row].height
            for c in row:
                # no renderer puts more than ~1.2 column widths of text on a line of a wrapped cell: the row
                # is at least tall enough for that many 10-point lines
                lines = math.ceil(width(str(c.value or "")) / (1.2 * ws.column_dimensions[c.column_letter].width))
                assert height >= lines * 11, (c.coordinate, c.value, height)


def test_review_times_are_local_and_readable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert local_time("2026-12-01T07:19:58+00:00") == "2026-12-01 15:19"
        assert local_time("2026-12-01T15:19:58+08:00") == "2026-12-01 15:19"
        assert local_time(None) == "" and local_time("不是时间") == "不是时间"
    finally:
        monkeypatch.undo()
        time.tzset()


def doc(path: str, title: str | None, text: str = "第一条 本县企业须在本县注册。") -> DocumentResult:
    f = Finding("ME401", "local", ["FCR-8-4"], "warning", "第一条", 0, len(text), text, ["本县注册"],
                "限定注册地", "删除注册地要求", title="以本地注册为条件")
    return DocumentResult(path=path, title=title, verdict="amend", findings=[f], meta=Meta(doc_number="某发〔2024〕1号"),
                          reasons=["1 处条款需修改"])


def report_of(*docs: DocumentResult) -> Report:
    return Report(version="t", lexicon_version="t", segmenter="char", documents=list(docs), as_of="2026-11-27")


def test_three_files_with_the_same_title_are_told_apart_by_path(tmp_path: Path) -> None:
    paths = ["甲镇/通知.txt", "乙镇/通知.txt", "丙镇/通知.docx"]
    report = report_of(*(doc(p, "关于加强市场管理的通知") for p in paths))
    out = tmp_path / "台账.xlsx"
    write_ledger(report, out)
    ws = load_workbook(out)["文件台账"]
    col = DOC_HEADERS.index("文件路径")
    assert [r[col] for r in ws.iter_rows(min_row=3, values_only=True)] == paths


HOSTILE = [
    "=HYPERLINK(\"http://x\",\"点我\")",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "'已有撇号",
    "名称\x1b]0;标题\x07含控制字符\x1b[2J",
    "回车\r换行\n制表\t",
    "C:\\公文\\x41.txt",
    "\u202etxt.exe",
]


def test_hostile_text_is_data_in_xlsx(tmp_path: Path) -> None:
    gbk = "公文/" + "公文".encode("gbk").decode("utf-8", "surrogateescape") + ".txt"
    docs = [doc(gbk, None)] + [doc(f"docs/{i}.txt", t, text=t) for i, t in enumerate(HOSTILE)]
    out = tmp_path / "台账.xlsx"
    write_ledger(report_of(*docs), out)  # no IllegalCharacterError, no UnicodeEncodeError
    wb = load_workbook(out)
    ws1, ws2 = wb["文件台账"], wb["问题条款"]
    rows = list(ws1.iter_rows(min_row=3))
    name_col, path_col = DOC_HEADERS.index("文件名称"), DOC_HEADERS.index("文件路径")
    assert rows[0][path_col].value == "公文/\\xb9\\xab\\xce\\xc4.txt"  # the GBK bytes, visibly
    assert unescape_text(rows[0][path_col].value) == gbk
    assert rows[0][name_col].value == "\\xb9\\xab\\xce\\xc4.txt"  # no title: the file name
    for row, original in zip(rows[1:], HOSTILE, strict=True):
        cell = row[name_col]
        assert unescape_text(cell.value) == original
        assert cell.data_type == "s"  # text, never a formula
        assert "\x1b" not in cell.value and "\x07" not in cell.value
    text_col = FINDING_HEADERS.index("条款内容")
    for row in ws2.iter_rows(min_row=2):
        assert row[text_col].data_type == "s"
    formula_cells = [c for ws in (ws1, ws2) for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formula_cells == []


def test_hostile_text_is_data_in_csv(tmp_path: Path) -> None:
    gbk = "公文/" + "公文".encode("gbk").decode("utf-8", "surrogateescape") + ".txt"
    docs = [doc(gbk, "文件")] + [doc(f"docs/{i}.txt", t) for i, t in enumerate(HOSTILE)]
    out = tmp_path / "台账.csv"
    written = write_ledger(report_of(*docs), out)
    for path in written:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8")  # valid UTF-8 throughout
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    name_col, path_col = DOC_HEADERS.index("文件名称"), DOC_HEADERS.index("文件路径")
    assert from_sheet_cell(rows[0][path_col]) == gbk
    for row, original in zip(rows[1:], HOSTILE, strict=True):
        assert from_sheet_cell(row[name_col]) == original
        assert not row[name_col].startswith(("=", "+", "-", "@", "\t", "\r"))


class FullDisk(io.RawIOBase):
    """A file that takes ``room`` bytes and then fails as a full disk does."""

    def __init__(self, fd: int, room: int):
        self.inner = io.FileIO(fd, "wb", closefd=True)
        self.room = room

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = self.inner.write(bytes(b)[: self.room])
        self.room -= n or 0
        return n or 0

    def fileno(self) -> int:
        return self.inner.fileno()

    def close(self) -> None:
        self.inner.close()
        super().close()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_full_disk_leaves_the_last_good_ledger_intact(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    report, _ = reviewed_report(engine, tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"台账{suffix}"
    written = write_ledger(report, out)
    good = {p: p.read_bytes() for p in written}
    report.documents[0].title = "改过的标题"  # the next ledger would differ
    calls = {"n": 0}

    def full_after_a_while(fd: int) -> io.RawIOBase:
        calls["n"] += 1
        # the CSV pair: the first file fits, the second does not; the XLSX: half of it fits
        room = 10**9 if suffix == ".csv" and calls["n"] == 1 else 2000
        return FullDisk(fd, room)

    monkeypatch.setattr(atomic_file, "_raw_file", full_after_a_while)
    with pytest.raises(OSError) as info:
        write_ledger(report, out)
    assert info.value.errno == errno.ENOSPC
    for path, data in good.items():
        assert path.read_bytes() == data  # the last good ledger, byte for byte
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in good)  # no temporary file left
