"""The 台账: real XLSX (openpyxl) and CSV, final conclusions over recommendations, decisions per clause."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from fairreview.model import Report
from fairreview.pipeline import scan_paths
from fairreview.review.apply import apply_review, read_document_text, register_document
from fairreview.review.fingerprint import sentence_fingerprint
from fairreview.review.ledger import DOC_HEADERS, FINDING_HEADERS, MAX_COLUMN_WIDTH, write_ledger
from fairreview.review.store import Store

DIRTY = """某县关于扶持本地物流企业发展的若干规定

第一条 为促进本县物流业发展，制定本规定。
第二条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。
第三条 申请物流园区入驻补贴的企业须在本县注册并在本县纳税。
第四条 对年度纳税额超过200万元的物流企业，按其地方财政贡献的30%给予奖励。
第五条 物流企业应当依法经营，保障寄递安全。
第六条 本规定自发布之日起施行。
"""
CLEAN = "某县关于做好秋冬季森林防火工作的通知\n\n一、加强火源管控，严禁野外用火。\n二、落实值班值守制度。\n"


def reviewed_report(engine, tmp_path: Path) -> tuple[Report, list[str]]:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(DIRTY, encoding="utf-8")
    (docs / "b.txt").write_text(CLEAN, encoding="utf-8")
    report = scan_paths([str(docs)], engine=engine)
    dirty = report.documents[0]
    flagged = dirty.flagged
    assert len(flagged) >= 3
    store = Store.open(tmp_path / "r.db")
    got = read_document_text(dirty)
    doc_id = register_document(store, dirty, got[0] if got else None)
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


def test_xlsx_ledger(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report, locations = reviewed_report(engine, tmp_path)
    out = tmp_path / "台账.xlsx"
    assert write_ledger(report, out) == [out]
    wb = load_workbook(out)
    assert wb.sheetnames == ["文件台账", "问题条款"]
    ws = wb["文件台账"]
    # the final conclusion counts: one 废止 (reviewer) and one 保留
    assert ws["A1"].value.startswith("共排查 2 件：保留 1 件，修改 0 件，废止 1 件，失效 0 件")
    assert "A1:M1" in [str(r) for r in ws.merged_cells.ranges]
    header = [c.value for c in ws[2]]
    assert header == DOC_HEADERS
    assert all(c.font.bold and c.fill.fgColor.rgb.endswith("DDE5F0") for c in ws[2])
    row = dict(zip(header, [c.value for c in ws[3]], strict=True))
    assert row["序号"] == 1 and row["文件名称"] == "某县关于扶持本地物流企业发展的若干规定"
    assert row["文号"] == "云政发〔2024〕3号" and row["制定机关"] == "云溪县人民政府"
    assert row["发布日期"] == "2024-03-01" and row["有效期"] == "2024-03-01 至 2029-02-28"
    assert row["最终结论"] == "废止" and row["理由"] == "整体废止，另行制定"
    assert row["复核人"] == "赵六" and row["复核时间"]
    assert row["建议结论"] in ("修改", "废止")
    # the dismissed clause is not listed; the excepted one is, with its time limit
    places = row["问题条款位置"]
    assert locations[1] in places and "实施期限至 2027-12-31" in places
    assert "《公平竞争审查条例》" in row["违反条款依据"]
    clean = dict(zip(header, [c.value for c in ws[4]], strict=True))
    assert clean["建议结论"] == "保留" and not clean["最终结论"] and not clean["问题条款位置"]
    for col in "ABCDEFGHIJKLM":
        assert 6 <= ws.column_dimensions[col].width <= MAX_COLUMN_WIDTH
    assert ws.freeze_panes == "C3"

    ws2 = wb["问题条款"]
    assert [c.value for c in ws2[1]] == FINDING_HEADERS
    rows = [dict(zip(FINDING_HEADERS, r, strict=True)) for r in ws2.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == len(report.documents[0].flagged)
    assert [r["复核结论"] for r in rows[:3]] == ["误报", "确认违规", "适用例外"]
    assert rows[0]["复核理由"] == "理由dismissed" and rows[2]["实施期限"] == "2027-12-31"
    assert "已通知起草单位" in rows[1]["备注"] and rows[1]["复核人"] == "王五"
    assert all(r["复核结论"] == "待复核" for r in rows[3:])


def test_csv_ledger_writes_two_files_excel_can_open(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report, _ = reviewed_report(engine, tmp_path)
    out = tmp_path / "台账.csv"
    written = write_ledger(report, out)
    assert written == [out, tmp_path / "台账-问题条款.csv"]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Chinese
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == DOC_HEADERS and len(rows) == 3 and rows[1][7] == "废止"
    with open(written[1], encoding="utf-8-sig", newline="") as fh:
        frows = list(csv.reader(fh))
    assert frows[0] == FINDING_HEADERS and frows[1][11] == "误报"
