"""The decision model (docs/conclusions.md), one branch at a time, on realistic documents.

The documents in tests/fixtures/conclusions/ were written for these tests from the law texts (条例 第八至十条,
实施办法 第十九条) in the shape county documents take (文号, 印发通知, headings, 附则 sentences, 落款); none is
taken from the evaluation set (the last test checks that, where ../shared is present).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairreview.conclude import conclude
from fairreview.model import DocumentResult, Finding, Meta, Outline, Report
from fairreview.pipeline import Engine, scan_text
from fairreview.read import normalize
from fairreview.report.labels import EXPIRED_RESTRICTIVE, summary_line
from fairreview.report.table import render_table
from fairreview.review.ledger import ledger_rows
from fairreview.settings import Settings
from fairreview.structure import parse
from fairreview.structure.roles import ROLES, clause_roles

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "conclusions"
AS_OF = "2026-12-01"
ENGINE = Engine(Settings(as_of=AS_OF))


def scan(name: str, text: str | None = None, engine: Engine = ENGINE) -> DocumentResult:
    return scan_text(text if text is not None else (FIXTURES / name).read_text(encoding="utf-8"), name,
                     engine=engine)


def test_restriction_in_the_title_is_the_documents_purpose() -> None:
    doc = scan("rebate_title.txt")  # an 印发通知 of a 地方留成 rebate scheme
    assert doc.verdict == "repeal" and doc.assessment.label == "废止"
    assert doc.assessment.grounds == "competition" and not doc.assessment.tentative
    assert doc.reasons[0].startswith("标题即以限制竞争为内容")
    # the title, the embedded title and the transmittal sentence that repeats it are one problem
    assert sum(1 for r in doc.reasons if r.startswith("标题：")) == 1
    assert doc.assessment.problems == len(doc.reasons) - 1


def test_most_measures_restrictive_is_repeal_and_headings_do_not_dilute() -> None:
    text = (FIXTURES / "rebate_measures.txt").read_text(encoding="utf-8")
    doc = scan("rebate_measures.txt", text)
    assert doc.verdict == "repeal"
    assert doc.reasons[0].startswith("5 项实质性措施中有 4 项存在限制竞争问题")  # 申报、审核、拨付 is not one
    # metamorphic: more headings and more closing boilerplate change nothing
    padded = text.replace("三、保障措施", "三、保障措施\n加强组织领导。县商务局牵头做好政策解读和组织实施工作。").replace(
        "本措施自印发之日起施行",
        "四、其他\n各乡镇、各部门要加强政策宣传。\n联系人：县商务局办公室，联系电话：0000-1234567。\n本措施自印发之日起施行")
    assert scan("padded.txt", padded).verdict == "repeal"
    # but lawful measures do: with as many lawful measures as restrictive ones plus one, it is 修改
    lawful = "\n".join(f"（{n}）支持总部企业参加国内外展会，按展位费的50%给予补助，补助条件和标准向社会公开。"
                       for n in "七八九十")
    diluted = text.replace("本措施自印发之日起施行", lawful + "\n本措施自印发之日起施行")
    doc = scan("diluted.txt", diluted)
    assert doc.verdict == "amend" and doc.assessment.label == "修改"


def test_one_restrictive_clause_among_lawful_measures_is_amend() -> None:
    doc = scan("one_clause.txt")
    assert doc.verdict == "amend" and doc.assessment.label == "修改"
    assert doc.assessment.problems == 1
    # two rules on one sentence: one reason line, provisions by their Chinese names
    (line,) = [r for r in doc.reasons if r.startswith("二、（四）：")]
    assert "《条例》第八条第（三）项" in line and "《实施办法》第十二条第（二）项、第十九条第（三）项" in line
    assert not re.search(r"FCR|FCRIM", "\n".join(doc.reasons))


def test_only_warning_findings_give_a_tentative_amend() -> None:
    doc = scan("tentative.txt")
    assert doc.verdict == "amend"  # the code stays stable: the state is in the assessment
    assert doc.assessment.tentative and doc.assessment.label == "修改（疑似，待复核）"
    assert "疑似" in doc.reasons[0]


def test_a_confirmed_warning_is_no_longer_tentative() -> None:
    doc = scan("tentative.txt")
    confirmed = copy.deepcopy(doc)
    for f in confirmed.flagged:
        f.review.status = "confirmed"
    conclude(confirmed, AS_OF)
    assert confirmed.verdict == "amend" and not confirmed.assessment.tentative
    assert confirmed.assessment.label == "修改"


def test_a_warning_in_the_title_is_not_enough_for_repeal() -> None:
    text = (FIXTURES / "tentative.txt").read_text(encoding="utf-8")
    titled = text.replace("关于加快文化旅游产业发展的实施意见", "关于对重大文化旅游项目实行“一事一议”支持的实施意见")
    doc = scan("titled.txt", titled)
    assert any(f.location == "标题" and f.severity == "warning" for f in doc.flagged)
    assert doc.verdict == "amend" and doc.assessment.tentative


def test_legality_notes_are_counted_apart_from_competition_findings() -> None:
    doc = scan("legality_only.txt")
    assert doc.verdict == "amend" and doc.assessment.grounds == "legality"
    assert not doc.assessment.restrictive and doc.assessment.legality_notes == 1
    assert doc.assessment.label == "修改（因引用已废止的法律法规）"
    assert any(r.startswith("法律依据（一、）") and "民法典" in r for r in doc.reasons)


def test_expired_document_with_restrictions_says_so() -> None:
    doc = scan("expired_restrictive.txt")
    assert doc.verdict == "expired" and doc.assessment.restrictive
    assert doc.assessment.label == f"失效（{EXPIRED_RESTRICTIVE}）"
    assert any("如继续执行或重新制定须修改" in r for r in doc.reasons)
    assert doc.assessment.problems == 2 and sum(1 for r in doc.reasons if re.match(r"^[一二三]、：", r)) == 2
    # the ledger row carries it too
    row = ledger_rows(Report("0", "0", "char", [doc], as_of=AS_OF)).documents[0]
    assert EXPIRED_RESTRICTIVE in row[7] and EXPIRED_RESTRICTIVE in row[11]


def test_expired_but_still_executed_is_not_simply_expired() -> None:
    doc = scan("expired_continued.txt")
    assert doc.meta.expires == "2023-12-31" and doc.meta.continues
    assert doc.verdict == "amend" and doc.assessment.continued
    assert "仍在执行" in doc.assessment.label and "按原政策继续执行" in doc.reasons[0]
    # without the sentence that keeps it running, the same document is 失效 with restrictions
    stopped = (FIXTURES / "expired_continued.txt").read_text(encoding="utf-8").replace(
        "有效期内已签订投资协议但尚未兑现的奖励，按原政策继续执行至兑现完毕。", "")
    doc = scan("stopped.txt", stopped)
    assert doc.verdict == "expired" and doc.assessment.restrictive and not doc.assessment.continued


def test_expired_without_restrictions_is_plain_expired() -> None:
    doc = scan("expired_relative.txt")  # "暂定三年有效期" from the 落款 date 2022-03-15
    assert doc.meta.expires == "2025-03-14"
    assert doc.verdict == "expired" and doc.assessment.label == "失效" and not doc.assessment.restrictive


@pytest.mark.parametrize(
    ("closing", "expires"),
    [
        ("本通知自印发之日起执行，暂定三年有效期。", "2025-03-14"),
        ("本通知自印发之日起执行，执行期限暂定1年。", "2023-03-14"),
        ("本通知自印发之日起执行，有效期\n至2024年12月31日。", "2024-12-31"),
        ("本通知自2022年4月1日起施行，有效期两年。", "2024-03-31"),
    ],
)
def test_relative_periods_are_counted_from_the_issue_or_effective_date(closing: str, expires: str) -> None:
    text = (FIXTURES / "expired_relative.txt").read_text(encoding="utf-8").replace(
        "三、本通知自印发之日起执行，暂定三年有效期。", closing)
    doc = scan("relative.txt", text)
    assert doc.meta.expires == expires and doc.verdict == "expired"


def test_a_period_without_a_start_date_asks_the_clerk_to_check() -> None:
    doc = scan("period_no_date.txt")
    assert doc.meta.period == "执行期限暂定1年" and doc.meta.expires is None
    assert doc.verdict == "retain" and doc.assessment.checks
    assert "请核实" in doc.reasons[-1]
    # with the date the period is computed and there is nothing to check
    dated = (FIXTURES / "period_no_date.txt").read_text(encoding="utf-8") + "\n云溪县人民政府\n2024年2月1日\n"
    doc = scan("dated.txt", dated)
    assert doc.meta.expires == "2025-01-31" and doc.verdict == "expired" and not doc.assessment.checks


def test_lawful_document_is_retained() -> None:
    doc = scan("lawful.txt")  # restated bans of the same practices the rules look for
    assert doc.verdict == "retain" and doc.assessment.grounds == "none" and not doc.flagged


def test_unreadable_is_never_retained() -> None:
    doc = DocumentResult(path="x.pdf", error="文件已加密")
    conclude(doc, AS_OF)
    assert doc.verdict == "error" and doc.assessment.grounds == "unreadable"


def test_summary_line_separates_legality_notes_and_restrictive_expired() -> None:
    docs = [scan(p.name) for p in sorted(FIXTURES.glob("*.txt"))]
    report = Report("0", "0", "char", docs, as_of=AS_OF)
    counts = report.summary()
    assert counts["amend_legality"] == 1 and counts["expired_restrictive"] == 1 and counts["amend_tentative"] == 1
    assert counts["competition"] == sum(1 for d in docs if d.verdict in ("amend", "repeal")
                                        and d.assessment.grounds == "competition")
    line = summary_line(counts)
    assert f"共排查 {len(docs)} 件" in line and "（其中因引用已废止的法律法规 1 件" in line
    assert f"失效 2 件（其中 1 件{EXPIRED_RESTRICTIVE}）" in line and "1 件的有效期须人工核实" in line


def test_reasons_one_line_per_problem_for_every_fixture() -> None:
    for path in sorted(FIXTURES.glob("*.txt")):
        doc = scan(path.name)
        problem_lines = [r for r in doc.reasons if re.match(r"^(标题|第[^：]{1,12}条|[一二三四五六七八九十]+、|正文)[^：]*：", r)]
        assert len(problem_lines) == doc.assessment.problems, (path.name, doc.reasons)
        assert len({r.split("：")[0] for r in problem_lines}) == len(problem_lines)


def test_fixtures_are_not_taken_from_the_dev_set(shared: Path) -> None:
    """No sentence of these documents is (for the most part) a clause of the evaluation set."""
    dev = [json.loads(line)["text"] for line in (shared / "eval" / "dev.jsonl").read_text(encoding="utf-8")
           .splitlines() if line.strip()]

    def grams(s: str) -> set[str]:
        t = re.sub(r"[\s,，。；;：:、（）()“”\"']+", "", s)
        return {t[i:i + 4] for i in range(len(t) - 3)}

    dev_grams = [grams(t) for t in dev]
    for path in FIXTURES.glob("*.txt"):
        for sentence in re.split(r"[。\n]", path.read_text(encoding="utf-8")):
            g = grams(sentence)
            if len(g) < 15:  # names and stock phrases (云溪县住房和城乡建设局) are not clauses
                continue
            worst = max(len(g & d) / len(g) for d in dev_grams)
            assert worst < 0.5, (path.name, sentence)


def test_table_shows_labels_and_chinese_provision_names() -> None:
    docs = [scan(n) for n in ("expired_restrictive.txt", "tentative.txt", "period_no_date.txt")]
    report = Report("0", "0", "char", docs, as_of=AS_OF)
    narrow = render_table(report, width=100)
    assert f"结论：失效（{EXPIRED_RESTRICTIVE}）" in narrow and "结论：修改（疑似，待复核）" in narrow
    wide = render_table(report, width=160)
    assert "《条例》第十条" in wide and "FCR-" not in wide and "含限制竞争" in wide
    assert "须人工核实：" in wide and "执行期限暂定1年" in wide
    assert "".join(summary_line(report.summary()).split()) in "".join(wide.split())  # wrapped to the width


def test_clause_roles_of_a_policy_document() -> None:
    text = normalize((FIXTURES / "rebate_measures.txt").read_text(encoding="utf-8")).text
    structure = parse(text)
    roles = {text[c.start:c.end][:12]: r for c, r in zip(structure.clauses, clause_roles(text, structure), strict=True)}
    assert roles["云政发〔2025〕11号"] == "closing" and roles["云溪县支持总部企业发展若"] == "title"
    assert roles["为加快发展总部经济,壮大"] == "aim" and roles["一、落户支持"] == "heading"
    assert roles["(一)对新迁入本县的总部"] == "measure" and roles["(四)总部企业新建研发中"] == "measure"
    assert roles["(六)县商务局会同县财政"] == "procedure" and roles["本措施自印发之日起施行,"] == "closing"
    assert roles["现将《云溪县支持总部企业"] == "closing" and roles["2025年5月20日"] == "closing"


# -- properties of the model over any findings -----------------------------------------------------------
_RULES = ["CO201", "CO204", "ME401", "FL101", "LG001"]


@st.composite
def documents(draw: st.DrawFn) -> DocumentResult:
    roles = draw(st.lists(st.sampled_from([r for r in ROLES if r != "front"]), min_size=1, max_size=12))
    findings = []
    for _ in range(draw(st.integers(0, 8))):
        clause = draw(st.integers(0, len(roles) - 1))
        rule = draw(st.sampled_from(_RULES))
        findings.append(Finding(
            rule=rule, name=rule, provisions=["FCR-10-2"], title=f"规则{rule}",
            severity=draw(st.sampled_from(["error", "warning", "info"])),
            location="标题" if roles[clause] == "title" else f"第{clause + 1}条",
            start=clause * 10, end=clause * 10 + 5, text="条款", evidence=[], message="", suggestion="",
            clause=None if rule == "LG001" else clause))
    expires = draw(st.sampled_from([None, "2020-12-31", "2030-12-31"]))
    continues = draw(st.sampled_from([None, "未兑现的奖励按原政策继续执行。"]))
    doc = DocumentResult(path="x.txt", findings=findings, meta=Meta(expires=expires, continues=continues),
                         outline=Outline(operative_clauses=len(roles), roles=roles))
    return doc


@settings(max_examples=300, deadline=None)
@given(documents())
def test_model_invariants(doc: DocumentResult) -> None:
    conclude(doc, AS_OF)
    a = doc.assessment
    competition = [f for f in doc.flagged if not f.rule.startswith("LG")]
    expired = doc.meta.expires is not None and doc.meta.expires < AS_OF
    assert a.label.startswith({"retain": "保留", "amend": "修改", "repeal": "废止", "expired": "失效"}[doc.verdict])
    assert a.restrictive == bool(competition)
    if doc.verdict == "repeal":
        assert any(f.severity == "error" for f in competition)
    if a.tentative:
        assert competition and not any(f.severity == "error" for f in competition)
    if not competition:
        assert doc.verdict in (("expired",) if expired else ("retain", "amend"))
        assert doc.verdict != "amend" or a.grounds == "legality"
    if expired and doc.verdict != "expired":  # the sentence drawn speaks of awards granted: only with restrictions
        assert a.continued and competition
    problem_lines = [r for r in doc.reasons if r.startswith(("标题：", "第"))]
    assert len(problem_lines) == a.problems
    # dropping every 提示 changes nothing but the count of hints
    quiet = copy.deepcopy(doc)
    quiet.findings = [f for f in quiet.findings if f.severity != "info"]
    conclude(quiet, AS_OF)
    assert (quiet.verdict, quiet.assessment.label) == (doc.verdict, a.label)


def test_a_document_that_runs_on_after_its_period_is_not_expired() -> None:
    text = (FIXTURES / "lawful.txt").read_text(encoding="utf-8").replace(
        "四、本措施自印发之日起施行。", "四、本措施自印发之日起施行，有效期至2026年6月30日；本措施期满后如无新规定，继续执行。")
    doc = scan("runs_on.txt", text)
    assert doc.meta.expires == "2026-06-30" and doc.meta.continues
    assert doc.verdict == "retain" and doc.assessment.continued
    assert doc.assessment.label == "保留（有效期已满但仍在执行）" and "文件仍在执行" in doc.reasons[0]
    # what it granted before it ended is paid out: the document itself has ended
    paid_out = text.replace("本措施期满后如无新规定，继续执行。", "有效期内已认定的项目，按原政策继续兑现。")
    doc = scan("paid_out.txt", paid_out)
    assert doc.verdict == "expired" and not doc.assessment.continued
    assert any("请核实相关事项的兑现情况" in r for r in doc.reasons)


def test_expired_with_only_warnings_says_they_are_tentative() -> None:
    text = (FIXTURES / "tentative.txt").read_text(encoding="utf-8").replace("有效期五年", "有效期至2025年12月31日")
    doc = scan("old_tentative.txt", text)
    assert doc.verdict == "expired" and doc.assessment.restrictive and doc.assessment.tentative
    assert doc.assessment.label == f"失效（{EXPIRED_RESTRICTIVE}；疑似，待复核）"


def test_clause_roles_are_judged_only_where_a_finding_needs_them() -> None:
    """The roles of a document's clauses decide 废止 and where a finding stands; a document without findings
    is concluded without them (judging every clause of a long regulation costs more than matching it)."""
    from fairreview.pipeline import Engine

    engine = Engine()
    clean = engine.scan_bytes("第一条 为规范市场秩序，制定本办法。\n第二条 本办法自发布之日起施行。\n".encode(), "a.txt")
    assert not clean.findings and clean.outline is not None and clean.outline.roles == []
    assert clean.verdict == "retain"
    flagged = engine.scan_bytes("第一条 为规范市场秩序，制定本办法。\n第二条 对注册地在本区的企业给予奖励。\n".encode(),
                                "b.txt")
    assert flagged.findings and flagged.outline is not None and len(flagged.outline.roles) >= 2
