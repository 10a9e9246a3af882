"""The written review (审查意见), one section per document, as 《公平竞争审查条例实施办法》第二十九条 asks: a written,
explicit conclusion whether the document meets the fair competition review standards, and, where 条例第十二条 is
relied on, what it claims.

Per document: its identity (文号, 制定机关, dates), the conclusion (符合 / 不符合 and the recommended 保留 / 修改 / 废止
/ 失效; a reviewer's final conclusion wins and the recommendation is shown beside it), each problem clause quoted with
its location, the provision it conflicts with (text quoted) and the suggested change, any 第十二条 exception claimed
(in the text, or recorded by a reviewer), and the other matters (legality notes, dates to check). A cover page
lists every document. Made to be printed and signed: A4, 仿宋 body, 黑体 headings, page numbers, a signature block.

Every name and text from a document passes through :func:`fairreview.escapes.escape_text` (control characters
made visible; Word refuses them). The file is built in memory and written whole (atomic_file.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..atomic_file import atomic_open
from ..conclude import Problem, document_problems, is_legality
from ..escapes import escape_text
from ..legal import cite_together, provisions
from ..model import DocumentResult, Finding, Report
from ..review.ledger import summary_line as final_summary
from ..review.status import counts, local_time, status
from .labels import KIND_ZH, SEVERITY_ZH, STATUS_ZH, VERDICT_ZH, summary_line

BODY_FONT = "仿宋"  # FangSong: the type of Chinese official documents; others substitute a CJK font
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
BODY_SIZE = Pt(12)  # 小四
SMALL_SIZE = Pt(10.5)  # 五号, tables
HEADING_SIZE = Pt(14)  # 四号
AFTER = Pt(4)
CN_NUMBERS = "一二三四五六七八九十"

#: the explicit conclusion 第二十九条 asks for, per verdict
STANDARD = {
    "retain": "符合公平竞争审查标准",
    "amend": "不符合公平竞争审查标准",
    "repeal": "不符合公平竞争审查标准",
    "expired": "文件已失效；未发现排除、限制竞争的内容",
    "error": "无法审查",
}
ACTION = {
    "retain": "建议保留",
    "amend": "建议修改",
    "repeal": "建议废止",
    "expired": "按失效处理，宣布失效或不再执行",
    "error": "须取得可读文本后人工审查",
}
ART29_ITEMS = ("政策措施具有或者可能具有的排除、限制竞争效果", "适用条例第十二条规定的具体情形",
               "政策措施对公平竞争不利影响最小的理由", "政策措施实施期限或者终止条件的合理性")


def t(text: str | None) -> str:
    """Text from a document or a user, safe to put in Word."""
    return escape_text(text or "")


def cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n - 1]
    if n < 20:
        return "十" + (CN_NUMBERS[n - 11] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CN_NUMBERS[tens - 1] + "十" + (CN_NUMBERS[ones - 1] if ones else "") if n < 100 else str(n)


def cn_date(iso: str | None) -> str:
    """2026-12-01 → 2026年12月1日 (unknown: empty)."""
    if not iso:
        return ""
    try:
        d = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"


# -- what a document section says -------------------------------------------------------------------------
@dataclass
class Conclusion:
    """The conclusion of one document as the section states it."""

    standard: str  # 符合公平竞争审查标准 / 不符合… / 文件已失效 / 无法审查
    action: str  # 建议修改 …
    label: str  # the recommendation as labelled (修改（疑似，待复核）)
    final: str | None  # the reviewer's conclusion, when recorded


def conclusion_of(doc: DocumentResult) -> Conclusion:
    final = doc.review.final
    verdict = final.verdict if final else doc.verdict
    standard, action = STANDARD[verdict], ACTION[verdict]
    a = doc.assessment
    if final is None:
        if verdict == "amend" and a.tentative:
            standard = "可能不符合公平竞争审查标准（均为疑似问题，须人工复核后确定）"
            action = "建议修改（疑似，待复核）"
        elif verdict == "amend" and a.grounds == "legality":
            standard = "未发现排除、限制竞争的内容，但所引法律依据已废止或被替代"
            action = "建议修改所引依据"
        elif verdict == "expired" and a.restrictive:
            standard = ("文件已失效；文件可能含有不符合公平竞争审查标准的内容（均为疑似问题，须人工复核后确定）"
                        if a.tentative else "文件已失效；文件含有不符合公平竞争审查标准的内容")
            action = "按失效处理；如继续执行或重新制定，须修改其中限制竞争的内容"
        elif a.continued:
            action += "（有效期已满，但文件规定继续执行）"
    elif verdict == "expired" and any(counts(f) and not is_legality(f) for f in doc.findings):
        standard = "文件已失效；文件含有不符合公平竞争审查标准的内容"
    return Conclusion(standard, action, doc.verdict_label,
                      f"{VERDICT_ZH[final.verdict]}" if final else None)


def _claimed_exceptions(doc: DocumentResult) -> list[Finding]:
    """Findings for which 条例第十二条 is relied on: stated in the text (提示 with the ground and the time
    limit) or recorded by a reviewer (适用例外, also when its time limit has passed)."""
    out = []
    for f in doc.findings:
        if status(f) in ("exception", "exception_expired") or (f.note and "第十二条" in f.note):
            out.append(f)
    return out


# -- Word building blocks -----------------------------------------------------------------------------------
def _font(run_or_style: object, name: str, size: Pt | None = None, bold: bool | None = None) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = name
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _para(doc: object, text: str = "", *, font: str = BODY_FONT, size: Pt = BODY_SIZE, bold: bool = False,
          align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False, space_after: Pt = AFTER) -> Paragraph:
    p: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    if text:
        _font(p.add_run(text), font, size, bold)
    fmt = p.paragraph_format
    fmt.space_after = space_after
    fmt.line_spacing = 1.25
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)  # two characters, as Chinese paragraphs start
    if align is not None:
        p.alignment = align
    return p


def _labelled(doc: object, label: str, text: str, size: Pt = BODY_SIZE) -> Paragraph:
    """``label：text`` with the label in bold, hanging under the label."""
    p = _para(doc, space_after=Pt(2))
    _font(p.add_run(f"{label}："), BODY_FONT, size, True)
    _font(p.add_run(text), BODY_FONT, size)
    p.paragraph_format.left_indent = Pt(size.pt * (len(label) + 1))
    p.paragraph_format.first_line_indent = -Pt(size.pt * (len(label) + 1))
    return p


def _heading(doc: object, text: str, size: Pt = HEADING_SIZE) -> Paragraph:
    p = _para(doc, text, font=HEADING_FONT, size=size, space_after=Pt(6))
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.keep_with_next = True
    return p


def _cell(cell: object, text: str, *, bold: bool = False, size: Pt = SMALL_SIZE,
          align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    _font(p.add_run(text), BODY_FONT, size, bold)
    p.paragraph_format.space_after = Pt(0)
    if align is not None:
        p.alignment = align


def _shade(cell: object, fill: str) -> None:
    tcpr = cell._element.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _table(doc: object, headers: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, h in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, h, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "E7ECF3")
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, v in zip(cells, values, strict=True):
            _cell(cell, v)
    _widths(table, widths)
    return table


def _widths(table: Table, widths: list[float]) -> None:
    """Fixed column widths that Word and LibreOffice both keep (LibreOffice reads the grid, Word the cells)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Cm(w)


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the viewer fills in."""
    run = paragraph.add_run()
    _font(run, BODY_FONT, Pt(9))
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _setup(document: object) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.8), Cm(2.5)
    section.left_margin, section.right_margin = Cm(2.6), Cm(2.4)
    normal = document.styles["Normal"]  # type: ignore[attr-defined]
    _font(normal, BODY_FONT, BODY_SIZE)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, code in (("第 ", "PAGE"), (" 页，共 ", "NUMPAGES")):
        _font(footer.add_run(text), BODY_FONT, Pt(9))
        _field(footer, code)
    _font(footer.add_run(" 页"), BODY_FONT, Pt(9))


# -- the document ---------------------------------------------------------------------------------------------
def _name(doc: DocumentResult) -> str:
    return t(doc.title or Path(doc.path).name)


def _cover(document: object, report: Report, line: str, when: str) -> None:
    _para(document, "公平竞争审查意见", font=TITLE_FONT, size=Pt(22), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
          space_after=Pt(12))
    _para(document, f"审查基准日：{cn_date(report.as_of)}　　　形成日期：{when}", size=SMALL_SIZE,
          align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(12))
    _para(document, "依据《公平竞争审查条例》及《公平竞争审查条例实施办法》，对下列文件逐件评估其对公平竞争的影响，"
          "作出是否符合公平竞争审查标准的审查结论（《公平竞争审查条例实施办法》第二十九条）。", indent=True)
    _para(document, t(line), indent=True)
    rows = []
    for i, d in enumerate(report.documents, 1):
        c = conclusion_of(d)
        rows.append([str(i), _name(d), t(d.meta.doc_number) or "—", c.standard,
                     c.final + "（复核人确定）" if c.final else c.label])
    _table(document, ["序号", "文件名称", "文号", "审查结论", "处理意见"], rows, [1.2, 6.2, 3.2, 3.6, 2.8])
    _para(document, "说明：本意见由 fairreview 依据词库规则形成初步结论，经复核人确定的以复核结论为准；“疑似”问题须"
          "人工复核后确定。《条例》指《公平竞争审查条例》，《实施办法》指《公平竞争审查条例实施办法》。",
          size=SMALL_SIZE, space_after=Pt(0)).paragraph_format.space_before = Pt(8)


def _identity(document: object, doc: DocumentResult) -> None:
    m = doc.meta
    period = ""
    if m.effective and m.expires:
        period = f"{cn_date(m.effective)}至{cn_date(m.expires)}"
    elif m.expires:
        period = f"至{cn_date(m.expires)}"
    elif m.period:
        period = f"{t(m.period)}（起算日期未载明）"
    rows = [
        ["文件名称", _name(doc)],
        ["文号", t(m.doc_number) or "未载明"],
        ["制定机关", t(m.issuer) or "未载明"],
        ["成文日期", cn_date(m.issued) or "未载明"],
        ["施行日期", cn_date(m.effective) or "未载明"],
        ["有效期", period or "未载明"],
        ["文件", t(doc.path)],
    ]
    table: Table = document.add_table(rows=0, cols=2)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        _cell(cells[0], label, bold=True)
        _shade(cells[0], "F2F4F7")
        _cell(cells[1], value)
    _widths(table, [2.8, 13.2])


def _conclusion(document: object, doc: DocumentResult) -> None:
    c = conclusion_of(doc)
    p = _para(document, indent=True)
    _font(p.add_run("审查结论："), BODY_FONT, BODY_SIZE, True)
    _font(p.add_run(f"{c.standard}。"), BODY_FONT, BODY_SIZE, True)
    final = doc.review.final
    reason = cn_dates(doc.reasons[0]).rstrip("。") if doc.reasons else ""
    if final is not None:
        p = _para(document, indent=True)
        _font(p.add_run("处理意见："), BODY_FONT, BODY_SIZE, True)
        _font(p.add_run(f"{c.final}（复核人确定）。理由：{t(final.reason).rstrip('。')}（复核人 {t(final.reviewer)}，"
                        f"{local_time(final.decided_at)}）。"), BODY_FONT, BODY_SIZE)
        _labelled_indent(document, "工具建议", f"{t(c.label)}。{t(reason)}。")
        if final.needs_review:
            _para(document, "注意：该结论作出后文件出现了新的问题条款（" + t("、".join(final.unreviewed_findings))
                  + "），须重新复核。", indent=True)
        return
    p = _para(document, indent=True)
    _font(p.add_run("处理意见："), BODY_FONT, BODY_SIZE, True)
    _font(p.add_run(f"{c.action}。"), BODY_FONT, BODY_SIZE)
    if reason:
        _labelled_indent(document, "理由", f"{t(reason)}。")


def _labelled_indent(document: object, label: str, text: str) -> None:
    p = _para(document, indent=True)
    _font(p.add_run(f"{label}："), BODY_FONT, BODY_SIZE, True)
    _font(p.add_run(text), BODY_FONT, BODY_SIZE)


def cn_dates(text: str) -> str:
    """ISO dates in a reason (有效期至 2023-06-30) as a Chinese document writes them (2023年6月30日)."""
    return re.sub(r"\s?(\d{4})-(\d{2})-(\d{2})\s?",
                  lambda m: f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日", text)


def _provision_lines(ids: list[str]) -> list[str]:
    """The 条例 items a problem conflicts with, quoted; the other provisions that detail them, cited."""
    table = provisions()
    out = []
    for pid in ids:
        p = table.get(pid)
        if p is not None and pid.startswith("FCR-") and p.text:
            out.append(f"{p.citation}：“{p.text.replace(chr(10), '')}”")
    detail = [pid for pid in ids if not pid.startswith("FCR-")]
    if detail:
        out.append(("另见" if out else "") + f"{cite_together(detail, short=False)}。")
    return out


def _review_note(f: Finding) -> str:
    d = f.review.decision
    if d is None:
        return STATUS_ZH[status(f)]
    why = f"，理由：{t(d.reason)}" if d.reason else ""
    return f"{KIND_ZH.get(d.kind, d.kind)}（{t(d.reviewer)}，{local_time(d.decided_at)}{why}）"


def _problem(document: object, n: int, p: Problem) -> None:
    sev = SEVERITY_ZH[p.severity]
    _para(document, f"问题{n}　位置：{t(p.location)}　〔{sev}〕", font=HEADING_FONT, size=BODY_SIZE,
          space_after=Pt(2)).paragraph_format.keep_with_next = True
    # the flagged sentences of the place, in order, as one quotation ("……；迁出的，收回……")
    quoted = list(dict.fromkeys(" ".join(f.text.split()) for f in sorted(p.findings, key=lambda f: f.start)))
    _labelled(document, "条款原文", f"“{t(''.join(quoted))}”")
    for title in p.titles:
        f = next(f for f in p.findings if (f.title or f.name) == title)
        _labelled(document, "存在问题", f"{t(title)}。{t(f.message)}")
    lines = _provision_lines(p.all_provisions)
    if lines:
        _labelled(document, "违反条款", "\n".join(lines))
    for s in dict.fromkeys(f.suggestion for f in p.findings if f.suggestion):
        _labelled(document, "修改建议", t(s))
    decided = [f for f in p.findings if f.review.decision]
    if decided:
        _labelled(document, "复核意见", "；".join(dict.fromkeys(_review_note(f) for f in decided)))


def _problems(document: object, doc: DocumentResult) -> None:
    live = [f for f in doc.findings if counts(f) and not is_legality(f)]
    if doc.error is not None:
        _para(document, f"文件无法读取：{t(doc.error)}。须取得可读的文本后人工审查。", indent=True)
        return
    if not live:
        _para(document, "未发现排除、限制竞争的内容。", indent=True)
    for n, p in enumerate(document_problems(doc, live), 1):
        _problem(document, n, p)
    dismissed = sum(1 for f in doc.findings if f.flags() and status(f) == "dismissed")
    if dismissed:
        _para(document, f"另有 {dismissed} 处经复核认定为误报，未列入。", indent=True, size=SMALL_SIZE)


def _exceptions(document: object, doc: DocumentResult) -> None:
    claimed = _claimed_exceptions(doc)
    if not claimed:
        _para(document, "文件未主张适用《公平竞争审查条例》第十二条规定的例外情形。", indent=True)
        return
    for n, f in enumerate(claimed, 1):
        _para(document, f"例外{n}　位置：{t(f.location)}", font=HEADING_FONT, size=BODY_SIZE, space_after=Pt(2))
        _labelled(document, "条款原文", f"“{t(' '.join(f.text.split()))}”")
        _labelled(document, "可能的限制竞争效果", f"{t(f.title)}（{cite_together(f.provisions)}）")
        d = f.review.decision
        if d is not None and d.kind == "exception":
            _labelled(document, "复核认定", f"适用例外，理由：{t(d.reason) or '未填写'}（{t(d.reviewer)}）")
            expired = status(f) == "exception_expired"
            _labelled(document, "实施期限", f"至{cn_date(d.deadline)}" + ("，已到期，须重新审查" if expired else ""))
        if f.note:
            _labelled(document, "文件载明", t(f.note))
    _para(document, "依照《公平竞争审查条例实施办法》第二十九条，适用条例第十二条的，审查结论还应当说明："
          + "；".join(f"（{CN_NUMBERS[i]}）{x}" for i, x in enumerate(ART29_ITEMS)) + "。上述内容须由起草单位补充说明。",
          indent=True, size=SMALL_SIZE)


def _other(document: object, doc: DocumentResult) -> None:
    lines = [r for r in doc.reasons if r.startswith("法律依据")] + list(doc.assessment.checks)
    if doc.assessment.continued and doc.meta.continues:
        lines.append(f"文件有效期已届满，但规定“{t(doc.meta.continues.rstrip('。'))}”，限制竞争内容仍在执行。")
    if doc.assessment.hints:
        lines.append(f"另有 {doc.assessment.hints} 处提示（不影响结论），建议复核时一并查看。")
    if not lines:
        _para(document, "无。", indent=True)
    for line in lines:
        _para(document, cn_dates(t(line)), indent=True)


def _section(document: object, n: int, doc: DocumentResult) -> None:
    _para(document, f"{cn_number(n)}、{_name(doc)}", font=HEADING_FONT, size=Pt(16), space_after=Pt(8))
    _heading(document, "（一）基本情况")
    _identity(document, doc)
    _heading(document, "（二）审查结论")
    _conclusion(document, doc)
    _heading(document, "（三）存在的问题及修改建议")
    _problems(document, doc)
    _heading(document, "（四）适用《条例》第十二条例外情形的说明")
    _exceptions(document, doc)
    _heading(document, "（五）其他需要说明的事项")
    _other(document, doc)
    sign = _para(document, "审查机构（盖章）：　　　　　　　　　审查人：　　　　　　　　　日期：　　年　　月　　日",
                 size=SMALL_SIZE)
    sign.paragraph_format.space_before = Pt(18)


def build_opinion(report: Report, today: dt.date | None = None) -> bytes:
    """The .docx of ``report`` (decisions already applied), as bytes."""
    document = Document()
    _setup(document)
    when = cn_date((today or dt.date.today()).isoformat())
    _cover(document, report, ledger_summary(report), when)
    for n, doc in enumerate(report.documents, 1):
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _section(document, n, doc)
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def ledger_summary(report: Report) -> str:
    """The summary line, over final conclusions where reviewers set them (as the ledger's first sheet)."""
    return final_summary(report) if any(d.review.final for d in report.documents) else summary_line(report.summary())


def write_opinion(report: Report, output: str | Path, today: dt.date | None = None) -> Path:
    """Write the 审查意见 to ``output`` (.docx) whole or not at all; return the path."""
    out = Path(output)
    data = build_opinion(report, today)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(out, "wb") as fh:
        fh.write(data)
    return out


__all__ = ["Conclusion", "build_opinion", "conclusion_of", "write_opinion"]
