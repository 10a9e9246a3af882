"""Document facts: 文号, issuer, dates, 有效期 → Meta, and the 失效 verdict they drive."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairreview.facts import extract_meta
from fairreview.facts.dates import add_years, cn_int, parse_date
from fairreview.model import DocumentResult, Meta
from fairreview.pipeline import Engine
from fairreview.read import extract, normalize
from fairreview.structure import parse

ROOT = Path(__file__).resolve().parent.parent


def meta(text: str) -> Meta:
    norm = normalize(text).text
    return extract_meta(norm, parse(norm).title)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2024年3月5日", dt.date(2024, 3, 5)),
        ("二〇二四年三月五日", dt.date(2024, 3, 5)),
        ("二○二三年十二月三十一日", dt.date(2023, 12, 31)),
        ("２０２４年１１月２０日", dt.date(2024, 11, 20)),  # full-width digits are folded first
        ("2024 年 3 月 5 日", dt.date(2024, 3, 5)),
        ("2025年12月", dt.date(2025, 12, 1)),
        ("2024年2月30日", None),
    ],
)
def test_chinese_dates(text: str, want: dt.date | None) -> None:
    assert parse_date(normalize(text).text) == want


def test_month_and_year_ends_when_a_period_ends() -> None:
    assert parse_date("2025年12月", end=True) == dt.date(2025, 12, 31)
    assert parse_date("2024年2月", end=True) == dt.date(2024, 2, 29)
    assert parse_date("2025年底", end=True) == dt.date(2025, 12, 31)
    assert cn_int("二十三") == 23 and cn_int("十") == 10 and cn_int("两") == 2


def test_period_of_years_ends_the_day_before_the_anniversary() -> None:
    assert add_years(dt.date(2025, 5, 1), 5) == dt.date(2030, 4, 30)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 27)
    assert add_years(dt.date(2024, 1, 31), months=1) == dt.date(2024, 2, 28)


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("常天政发〔2023〕12号", "常天政发〔2023〕12号"),
        ("X政办规[2024]3号", "X政办规〔2024〕3号"),
        ("（白政发(2018)14号）", "白政发〔2018〕14号"),
        ("云政发【2022】7号", "云政发〔2022〕7号"),
        ("云政发〔2024〕8号　　　　签发人：张三", "云政发〔2024〕8号"),
    ],
)
def test_doc_number_in_the_header(line: str, number: str) -> None:
    text = (f"云溪县人民政府文件\n{line}\n云溪县人民政府关于印发某某办法的通知\n"
            "各乡镇人民政府：\n现印发给你们。")
    assert meta(text).doc_number == number


def test_a_cited_doc_number_is_not_the_documents_own() -> None:
    text = ("云溪县某某管理办法\n第一条 根据《某某办法》（国发〔2016〕34号），制定本办法。\n"
            "第二条 本办法自2024年1月1日起施行。")
    assert meta(text).doc_number is None


def test_signature_gives_issuer_and_issued_date_chinese_numerals() -> None:
    text = ("关于印发某某措施的通知\n各有关单位：\n现将《某某措施》印发给你们，请遵照执行。\n"
            "云溪县发展和改革局\n云溪县财政局\n二〇二四年三月五日\n某某措施\n一、总则\n本措施自印发之日起施行，有效期3年。")
    m = meta(text)
    assert m.issuer == "云溪县发展和改革局、云溪县财政局"
    assert m.issued == "2024-03-05"
    assert m.effective == "2024-03-05"
    assert m.expires == "2027-03-04"


def test_red_head_and_title_give_the_issuer_without_a_signature() -> None:
    red = meta("云溪县教育局文件\n云教发〔2023〕21号\n关于某某的通知\n各学校：\n一、内容。")
    assert red.issuer == "云溪县教育局"
    titled = meta("云溪县人民政府办公室关于印发某某办法的通知\n各部门：\n一、内容。")
    assert titled.issuer == "云溪县人民政府办公室"


@pytest.mark.parametrize(
    ("sentence", "effective", "expires"),
    [
        ("本办法自2023年4月1日起施行，有效期至2025年3月31日。", "2023-04-01", "2025-03-31"),
        ("第七条 本措施自2025年5月1日起施行，有效期5年。", "2025-05-01", "2030-04-30"),
        ("本政策自2022年5月20日生效，2023年5月19日截止，有效期1年。", "2022-05-20", "2023-05-19"),
        ("本办法有效期为2024年1月1日至2026年12月31日。", "2024-01-01", "2026-12-31"),
        ("本《通知》自2024年11月1日起执行，执行期限至2026年12月31日。", "2024-11-01", "2026-12-31"),
        ("本实施细则自二〇二四年一月一日起施行，有效期二年。", "2024-01-01", "2025-12-31"),
        ("以上政策措施自2024年6月1日起实施，有效期至2025年12月。", "2024-06-01", "2025-12-31"),
    ],
)
def test_effective_and_expiry_sentences(sentence: str, effective: str, expires: str) -> None:
    m = meta(f"云溪县某某办法\n第一条 为了规范管理，制定本办法。\n{sentence}")
    assert (m.effective, m.expires) == (effective, expires)


@pytest.mark.parametrize(
    "sentence",
    [
        "高新技术企业认定有效期为3年。",  # a certificate's period, not the document's
        "消费券有效期至2023年12月31日，逾期作废。",
        "本条政策实施期限暂定为2026年4月1日至2026年12月31日。",  # one article's period
        "本意见自发布之日起实施，其中第八条至第十一条政策暂定实施至2022年12月31日。",
        "《中华人民共和国某某法》自2020年1月1日起施行。",  # a cited law, not this document
        "本办法自印发之日起施行，有效期2年。",  # relative to a 印发 date the text does not give
    ],
)
def test_periods_that_are_not_the_documents_expiry(sentence: str) -> None:
    assert meta(f"云溪县某某办法\n第一条 为了规范管理，制定本办法。\n{sentence}").expires is None


def test_examples_meta(engine: Engine) -> None:
    folder = ROOT / "examples"
    docs = sorted(p for p in folder.glob("*") if p.suffix in (".txt", ".md")) if folder.is_dir() else []
    if not docs:
        pytest.skip("examples/ has no documents yet")
    for path in docs:
        result = engine.scan_file(str(path))
        if result.error:
            continue
        m = result.meta
        text = normalize(extract(path.read_bytes(), path.name).text).text
        if m.doc_number:  # whatever is found is in the header as written (up to the bracket style)
            head = "\n".join(text.split("\n")[:15]).replace("[", "〔").replace("]", "〕")
            assert m.doc_number[:-1].split("〔")[0] in head
        if m.expires:
            assert m.effective is None or m.effective <= m.expires


def test_expired_document_is_concluded_expired_with_the_date(engine: Engine) -> None:
    text = ("云溪县城区某某管理办法\n第一条 为加强管理，制定本办法。\n"
            "第二条 县城市管理局负责监督管理工作。\n第三条 本办法自2020年7月1日起施行，有效期3年。")
    doc = engine.analyse_text(text, DocumentResult(path="<t>")).result
    assert doc.meta.expires == "2023-06-30"
    assert doc.verdict == "expired"
    assert "2023-06-30" in doc.reasons[0] and "2026-11-27" in doc.reasons[0]
    assert doc.to_dict()["meta"]["expires"] == "2023-06-30"


def test_document_in_force_is_not_expired(engine: Engine) -> None:
    text = ("云溪县某某管理办法\n第一条 为加强管理，制定本办法。\n"
            "第二条 本办法自2026年1月1日起施行，有效期5年。")
    doc = engine.analyse_text(text, DocumentResult(path="<t>")).result
    assert doc.meta.expires == "2030-12-31" and doc.verdict == "retain"


def test_table_shows_meta_under_the_summary(engine: Engine, tmp_path: Path) -> None:
    from fairreview import scan_paths
    from fairreview.report.table import render_table

    p = tmp_path / "old.txt"
    p.write_text("云溪县人民政府办公室文件\n云政办发〔2020〕15号\n云溪县城区某某管理办法\n"
                 "第一条 为加强管理，制定本办法。\n第二条 本办法自2020年7月1日起施行，有效期3年。",
                 encoding="utf-8")
    out = render_table(scan_paths([str(p)], engine=engine))
    assert "文号 云政办发〔2020〕15号" in out and "有效期至 2023-06-30" in out


def test_policies_corpus_doc_numbers(shared: Path) -> None:
    """Where policies.jsonl knows a 文号, the one found agrees (see docs/formats.md for all counts)."""
    rows = [json.loads(line) for line in (shared / "corpus" / "policies.jsonl").read_text().splitlines()]
    known = [r for r in rows if r.get("doc_number")]
    assert len(known) >= 30
    right = 0
    for r in known:
        text = (shared / "corpus" / r["file"]).read_text(encoding="utf-8", errors="replace")
        got = extract_meta(normalize(text).text).doc_number
        want = normalize(r["doc_number"]).text
        for a, b in (("[", "〔"), ("]", "〕"), ("(", "〔"), (")", "〕")):
            want = want.replace(a, b)
        assert got is None or got == want, (r["file"], got, want)  # never a wrong number
        right += got == want
    assert right >= 0.9 * len(known)


_PIECES = ["已签约", "未兑现的奖励", "按原政策继续执行", "继续执行", "有效期满后", "本办法", "《某某办法》", "〔2023〕5号",
           "企业", "兑现完毕", "。", ";", "\n", ",", "自印发之日起施行"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16), st.sampled_from(["", "某某办法", "关于印发某某办法的通知"]))
def test_continuation_shortcut_finds_what_reading_every_sentence_finds(pieces: list[str], title: str) -> None:
    """find_continuation skips a text with no 继续执行-like words; reading every sentence agrees."""
    import re

    from fairreview.facts import meta

    text = "".join(pieces)
    slow = None
    for sent in meta._sentences(text):
        if meta._CONTINUES.search(sent) is None:
            continue
        cited = re.findall(r"《([^》]{2,80})》", sent)
        if not (meta._OTHER_DOC.search(sent) and not (title and cited and all(c in title for c in cited))):
            slow = sent.strip()
            break
    assert meta.find_continuation(text, title or None) == slow


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["本办法", "自", "施行", "有效期", "止", "执行", "甲", " ", "\n", "。", ";", "；", "!",
                                 "？", "，"]), max_size=30).map("".join))
def test_dating_sentences_are_found_from_their_words_as_by_cutting_every_sentence(text: str) -> None:
    from fairreview.facts.meta import _MAY_DATE, _sentences, _sentences_with

    assert _sentences_with(text, _MAY_DATE) == [s for s in _sentences(text) if _MAY_DATE.search(s)]
