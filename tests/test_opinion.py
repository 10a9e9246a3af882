"""The written review (审查意见, ``fairreview report``): what 实施办法 第二十九条 asks for, per document, read back from
the .docx; reviewer decisions win; text from documents is data; the file is written whole; and, where
LibreOffice is installed, the file opens and renders."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from fairreview.cli import main
from fairreview.model import DecisionRecord, DocumentResult, FinalVerdict, Report
from fairreview.pipeline import Engine, scan_text
from fairreview.report import opinion
from fairreview.report.opinion import build_opinion, conclusion_of, write_opinion
from fairreview.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures" / "conclusions"
AS_OF = "2026-12-01"
ENGINE = Engine(Settings(as_of=AS_OF))


def doc_of(path: Path, text: str | None = None) -> DocumentResult:
    return scan_text(text if text is not None else path.read_text(encoding="utf-8"), str(path), engine=ENGINE)


def report_of(*docs: DocumentResult) -> Report:
    return Report("0.1.0", "test", "char", list(docs), as_of=AS_OF)


def text_of(data: bytes, tmp_path: Path) -> str:
    """Every paragraph and table cell of the .docx, in order (python-docx reads it back)."""
    path = tmp_path / "read.docx"
    path.write_bytes(data)
    d = Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def test_each_document_gets_identity_conclusion_problems_and_exceptions(tmp_path: Path) -> None:
    doc = doc_of(EXAMPLES / "云溪县促进工业经济高质量发展若干政策措施.txt")
    text = text_of(build_opinion(report_of(doc)), tmp_path)
    # identity
    assert "云政发〔2024〕8号" in text and "云溪县人民政府" in text and "2024年3月15日" in text
    # an explicit conclusion (第二十九条) and the recommendation
    assert "审查结论：不符合公平竞争审查标准。" in text and "处理意见：建议修改。" in text
    # each problem quoted with its location, the provision (quoted) and the suggested change
    assert "位置：二、（二）" in text and "按其对县级地方财政贡献增量部分的50%给予奖励" in text
    assert "《公平竞争审查条例》第十条第（二）项：“给予特定经营者选择性、差异化的财政奖励或者补贴”" in text
    assert "修改建议：删除与纳税额、地方财政贡献挂钩的奖补" in text
    assert "文件未主张适用《公平竞争审查条例》第十二条规定的例外情形。" in text
    assert "审查机构（盖章）" in text


def test_conclusions_per_branch(tmp_path: Path) -> None:
    cases = {
        "rebate_title.txt": ("不符合公平竞争审查标准", "建议废止"),
        "tentative.txt": ("可能不符合公平竞争审查标准", "建议修改（疑似，待复核）"),
        "legality_only.txt": ("所引法律依据已废止或被替代", "建议修改所引依据"),
        "expired_restrictive.txt": ("文件含有不符合公平竞争审查标准的内容", "如继续执行或重新制定，须修改"),
        "lawful.txt": ("符合公平竞争审查标准", "建议保留"),
    }
    for name, (standard, action) in cases.items():
        c = conclusion_of(doc_of(FIXTURES / name))
        assert standard in c.standard and action in c.action, (name, c)
    docs = [doc_of(FIXTURES / n) for n in cases]
    text = text_of(build_opinion(report_of(*docs)), tmp_path)
    assert "法律依据（一、）：引用的《中华人民共和国合同法》已废止（2021年1月1日起）" in text
    assert "有效期至2023年12月31日" in text  # dates written as a Chinese document writes them


def test_reviewer_final_conclusion_wins(tmp_path: Path) -> None:
    doc = doc_of(FIXTURES / "tentative.txt")
    decided = copy.deepcopy(doc)
    decided.review.final = FinalVerdict(verdict="retain", reason="一事一议仅用于重大项目的选址服务，不涉及资金",
                                        recommended="amend", reviewer="李四", decided_at="2026-11-30T08:00:00+00:00",
                                        needs_review=False, unreviewed_findings=[])
    c = conclusion_of(decided)
    assert c.standard == "符合公平竞争审查标准" and c.final == "保留"
    text = text_of(build_opinion(report_of(decided)), tmp_path)
    assert "处理意见：保留（复核人确定）。理由：一事一议仅用于重大项目的选址服务，不涉及资金" in text
    assert "工具建议：修改（疑似，待复核）" in text
    assert "（其中 1 件已由复核人确定最终结论）" in text


def test_exceptions_claimed_in_the_text_or_recorded_are_stated(tmp_path: Path) -> None:
    doc = doc_of(FIXTURES / "one_clause.txt")
    excepted = copy.deepcopy(doc)
    for f in excepted.flagged:
        f.review.status = "exception"
        f.review.decision = DecisionRecord(kind="exception", reason="冷链配送保障应急物资供应（社会公共利益）",
                                           deadline="2027-06-30", reviewer="王五",
                                           decided_at="2026-11-30T08:00:00+00:00", id=1)
    text = text_of(build_opinion(report_of(excepted)), tmp_path)
    assert "复核认定：适用例外，理由：冷链配送保障应急物资供应（社会公共利益）（王五）" in text
    assert "实施期限：至2027年6月30日" in text
    assert "（四）政策措施实施期限或者终止条件的合理性" in text  # what 第二十九条 still asks the drafter for
    assert "文件未主张适用" not in text


def test_text_from_documents_is_data(tmp_path: Path) -> None:
    """A control character in a title or clause (Word refuses them) is written visibly, not fatally."""
    source = (FIXTURES / "one_clause.txt").read_text(encoding="utf-8")
    hostile = source.replace("促进商贸流通业", "促进商贸\x1b[31m流通业", 1).replace("注册登记并", "注册登记\x07并")
    doc = doc_of(FIXTURES / "hostile.txt", hostile)
    text = text_of(build_opinion(report_of(doc)), tmp_path)
    assert "\\x1b[31m" in text and "\\x07" in text and "\x1b" not in text


def test_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "审查意见.docx"
    out.write_bytes(b"previous")

    def broken(*_: object, **__: object) -> bytes:
        raise RuntimeError("render failed")

    monkeypatch.setattr(opinion, "build_opinion", broken)
    with pytest.raises(RuntimeError):
        write_opinion(report_of(doc_of(FIXTURES / "lawful.txt")), out)
    assert out.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["审查意见.docx"]


def test_cli_writes_the_review_of_the_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "审查意见.docx"
    result = CliRunner().invoke(main, ["report", str(EXAMPLES), "-o", str(out), "--as-of", AS_OF, "--no-cache"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "共排查 5 件" in result.stdout and "已写入" in result.stdout
    text = text_of(out.read_bytes(), tmp_path)
    assert text.count("审查结论：") == 5
    bad = CliRunner().invoke(main, ["report", str(EXAMPLES), "-o", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and ".docx" in bad.stderr


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed: "
                    "apt-get install -y libreoffice-writer-nogui to check that the .docx opens and renders")
def test_opens_and_renders_in_libreoffice(tmp_path: Path) -> None:
    docs = [ENGINE.scan_file(str(p)) for p in sorted(EXAMPLES.iterdir())]
    out = write_opinion(report_of(*docs), tmp_path / "审查意见.docx")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "审查意见.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):  # the text a clerk sees on the rendered pages
        rendered = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        assert "公平竞争审查意见" in rendered and "审查结论" in rendered and "第 1 页" in rendered
