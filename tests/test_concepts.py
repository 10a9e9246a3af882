"""The concept layer (fairreview/concepts/): places and organisations as spans, and the metamorphic promise
that rests on them — a rule knows a kind of violation, not the wording of one report, so swapping the
place for any place of the gazetteer, the firm for another firm, or a verb for another of its class keeps
every violation example a violation and every compliant example compliant."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairreview import Settings
from fairreview.concepts.gazetteer import AMBIGUOUS_FULL, ambiguous_short, divisions
from fairreview.concepts.orgs import find_orgs
from fairreview.concepts.places import LOCAL_KINDS, find_places
from fairreview.concepts.spans import SentenceView
from fairreview.match.frames import find
from fairreview.match.lexicon import Rule, load
from fairreview.match.matcher import document_context
from fairreview.model import DocumentResult
from fairreview.pipeline import Engine
from fairreview.read import normalize
from fairreview.structure import parse

ENGINE = Engine(Settings(as_of="2026-11-27"))
LEX = load()
AMBIGUOUS = ambiguous_short()
FULL = sorted({d.name for d in divisions() if d.name not in AMBIGUOUS_FULL and len(d.name) >= 3})
SHORT = sorted({d.short for d in divisions() if d.short and d.short not in AMBIGUOUS and len(d.short) >= 2})


def places(text: str) -> list[tuple[str, str]]:
    return [(s.text, s.kind) for s in find_places(text)]


def orgs(text: str) -> list[tuple[str, str]]:
    return [(s.text, s.kind) for s in find_orgs(text)]


# -- places ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "want"), [
    ("企业须在鼓楼注册", ("鼓楼", "admin")),  # a short form after 在 … 注册
    ("在江苏省内注册，具有独立法人资格", ("江苏省", "admin")),
    ("注册地在鼓楼区的企业", ("鼓楼区", "admin")),
    ("在宁注册的企业", ("宁", "admin")),  # a one-character 简称 with its cues
    ("我县户籍人员", ("我县", "deictic")),
    ("项目所在地注册的公司", ("项目所在地", "deictic")),
    ("在本经开区注册", ("本经开区", "deictic")),
    ("某市企业", ("某市", "placeholder")),
    ("在城关镇注册", ("城关镇", "town")),
    ("入驻苏州高新区的企业", ("苏州高新区", "park")),
    ("本市以外的企业", ("本市以外", "outside")),
    ("外地企业", ("外地", "outside")),
    ("本市市场监督管理部门", ("本市", "authority")),  # the authority of a place, not where a firm is
    ("在中华人民共和国境内依法设立", ("中华人民共和国境内", "national")),
])
def test_place_kinds(text: str, want: tuple[str, str]) -> None:
    assert want in places(text)


@pytest.mark.parametrize("text", ["发展新兴产业", "签订合作协议", "推进城乡融合", "加强安全生产"])
def test_words_that_contain_a_short_form_are_not_places(text: str) -> None:
    assert not [p for p in places(text) if p[1] in LOCAL_KINDS]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FULL), st.sampled_from(["企业须在{}注册", "注册地在{}的企业", "在{}境内依法纳税", "{}企业优先"]))
def test_every_full_name_of_the_gazetteer_is_a_local_place(name: str, frame: str) -> None:
    text = frame.format(name)
    got = [(s.text, s.kind) for s in find_places(text)]
    assert any(name in t and k in LOCAL_KINDS for t, k in got), (text, got)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SHORT), st.sampled_from(["企业须在{}注册", "在{}设立分支机构", "落户{}的项目"]))
def test_every_short_form_is_a_place_where_a_cue_says_so(short: str, frame: str) -> None:
    text = frame.format(short)
    got = [(s.text, s.kind) for s in find_places(text)]
    assert any(short in t and k in LOCAL_KINDS for t, k in got), (text, got)


# -- organisations --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "want"), [
    ("由某某环境公司负责清运", ("某某环境公司", "placeholder")),
    ("由甲公司统一供货", ("甲公司", "placeholder")),
    ("指定甲建设有限公司为代建单位", ("甲建设有限公司", "named")),
    ("统一由学子公司组织供货", ("学子公司", "named")),  # 学子 + 公司, not 学 + 子公司
    ("交由恒信物业服务有限公司管理", ("恒信物业服务有限公司", "named")),
    ("由区城投集团承担", ("区城投集团", "local_state")),
    ("到第三人民医院体检", ("第三人民医院", "named")),
    ("统一向县华美服装厂订制", ("县华美服装厂", "named")),  # 厂 with a level word before the name
    ("由以太网络科技有限公司负责", ("以太网络科技有限公司", "named")),  # 以 starts the name, it is no stop here
])
def test_organisation_kinds(text: str, want: tuple[str, str]) -> None:
    assert want in orgs(text)


@pytest.mark.parametrize("text", [
    "投保人可以选择保险公司",  # a bare kind is not a name
    "由相关银行办理",
    "发放给补贴申请人银行账户",  # 人银行 is the tail of 申请人
    "载明收款银行账户",
    "第十九条农民专业合作社可以申报项目",  # an article number run into a kind
    "本市水泥厂应当达标排放",  # a kind of works within an area
    "投标保证金应以银行转账方式缴纳",  # 以 ends what stands before the bank
    "补助资金存入银行账户",
    "组建独立核算的项目公司",  # a project company is a kind of company
])
def test_kinds_are_not_names(text: str) -> None:
    assert not orgs(text), orgs(text)


# -- metamorphic: swap the place, the firm, the verb ------------------------------------------------------
def family(code: str) -> str:
    return code.rstrip("0123456789")


def fires(text: str, rule: Rule) -> bool:
    doc = ENGINE.analyse_text(text, DocumentResult(path="<swap>")).result
    return any(family(f.rule) == family(rule.code) and f.flags() for f in doc.findings)


def own_fires(text: str, rule: Rule) -> bool:
    doc = ENGINE.analyse_text(text, DocumentResult(path="<swap>")).result
    return any(f.rule == rule.code and f.flags() for f in doc.findings)


def _local(text: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.kind) for s in find_places(text) if s.kind in ("admin", "deictic", "placeholder")]


def _cases(kind: str, with_spans: object) -> list[tuple[Rule, str]]:
    out = []
    for rule in LEX.rules:
        examples = rule.violation_examples if kind == "violation" else rule.compliant_examples
        out += [(rule, e) for e in examples if with_spans(e)]  # type: ignore[operator]
    return out


PLACE_VIOLATIONS = _cases("violation", _local)
PLACE_COMPLIANT = _cases("compliant", _local)
_LOCAL_TAIL = re.compile(r"(?:行政区域|辖区|范围)?(?:内|境内)?")


def swap_place(text: str, name: str) -> str:
    """Every local place of ``text`` (本市, 鼓楼区, 某县 …) becomes ``name``; 本市内 → 鼓楼区内."""
    out, last = [], 0
    for s, e, _ in _local(text):
        out += [text[last:s], name]
        last = e
    return "".join(out) + text[last:]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PLACE_VIOLATIONS), st.sampled_from(FULL))
def test_violation_survives_any_full_place_name(case: tuple[Rule, str], name: str) -> None:
    rule, text = case
    swapped = swap_place(text, name)
    assert fires(swapped, rule), f"{rule.code}: {swapped}"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PLACE_COMPLIANT), st.sampled_from(FULL))
def test_compliant_stays_compliant_with_any_place_name(case: tuple[Rule, str], name: str) -> None:
    rule, text = case
    swapped = swap_place(text, name)
    assert not own_fires(swapped, rule), f"{rule.code}: {swapped}"


_AFTER_CUE = re.compile(r"(在|于|落户|迁入|入驻)$")
SHORT_CASES = [(r, e) for r, e in PLACE_VIOLATIONS if any(_AFTER_CUE.search(e[:s]) for s, _, _ in _local(e))]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SHORT_CASES), st.sampled_from(SHORT))
def test_violation_survives_a_short_form_after_a_cue(case: tuple[Rule, str], short: str) -> None:
    """须在本区注册 → 须在鼓楼注册: a short form is a place where 在/于/落户 … says so."""
    rule, text = case
    out, last = [], 0
    for s, e, _ in _local(text):
        if _AFTER_CUE.search(text[:s]):
            out += [text[last:s], short]
            last = e
    swapped = "".join(out) + text[last:]
    assert fires(swapped, rule), f"{rule.code}: {swapped}"


BRANDS = ["恒信", "华安", "鑫源", "瑞丰", "金桥", "宏达", "广源", "天成", "博远", "众合"]
TRADES = ["环境工程", "物业服务", "科技", "建设", "商贸", "信息技术", "餐饮管理", "检测"]
SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]


def _firms(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in find_orgs(text) if s.kind in ("named", "placeholder")]


FIRM_VIOLATIONS = _cases("violation", _firms)
FIRM_COMPLIANT = _cases("compliant", _firms)


@st.composite
def firm_name(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(BRANDS)) + draw(st.sampled_from(TRADES)) + draw(st.sampled_from(SUFFIXES))


def swap_firm(text: str, name: str) -> str:
    out, last = [], 0
    for s, e in _firms(text):
        out += [text[last:s], name]
        last = e
    return "".join(out) + text[last:]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIRM_VIOLATIONS), firm_name())
def test_violation_survives_another_firm(case: tuple[Rule, str], name: str) -> None:
    rule, text = case
    swapped = swap_firm(text, name)
    assert fires(swapped, rule), f"{rule.code}: {swapped}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIRM_COMPLIANT), firm_name())
def test_compliant_stays_compliant_with_another_firm(case: tuple[Rule, str], name: str) -> None:
    rule, text = case
    swapped = swap_firm(text, name)
    assert not own_fires(swapped, rule), f"{rule.code}: {swapped}"


# Classes of verbs and acts whose members say the same thing in a frame: any one can stand for another.
VERB_CLASSES = ("designate", "assign", "undertake", "register", "establish", "buy_use", "purchase", "approval",
                "direct_award", "reward", "steer", "relocation", "clawback", "commitment", "collude", "price_fix",
                "disclose", "tax_metric", "list_pool", "select_from", "exclusive", "deposit", "fee_relief", "move_in",
                "branch", "renewal_privilege")
# not $payment: it holds 预付款 beside 进度款 and 尾款 on purpose, and a prepayment is not a late payment


def _frame_words(rule: Rule, text: str) -> list[tuple[str, int, int]]:
    """(class, start, end) of every word a frame of ``rule`` matched as a member of one of VERB_CLASSES."""
    matcher = ENGINE.matcher
    norm = normalize(text)
    if norm.text != text:
        return []
    structure = parse(text)
    out = []
    for sent in structure.sentences:
        lead, heading = matcher.lead_text(text, structure, sent)
        view = SentenceView(text[sent.start : sent.end], sent.start, {}, lead, document_context(text, structure),
                            matcher.providers, heading=heading)
        for pat in rule.patterns:
            for hit in find(pat.frame, view, matcher.classes):
                for s, e, word in hit.parts:
                    for name in VERB_CLASSES:
                        if name in rule.class_names() and matcher.classes[name].regex.fullmatch(word):
                            out.append((name, sent.start + s, sent.start + e))
    return sorted(set(out))


def _verb_cases() -> list[tuple[Rule, str, str, int, int]]:
    return [(rule, text, name, s, e)
            for rule in LEX.rules for text in rule.violation_examples
            for name, s, e in _frame_words(rule, text)]


VERB_CASES = _verb_cases()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(VERB_CASES), st.data())
def test_violation_survives_another_verb_of_its_class(case: tuple[Rule, str, str, int, int], data: st.DataObject) -> None:
    rule, text, name, s, e = case
    term = data.draw(st.sampled_from([t for t in LEX.classes[name].terms if len(t) >= 2]))
    swapped = text[:s] + term + text[e:]
    assert fires(swapped, rule), f"{rule.code} (${name} → {term}): {swapped}"


def test_the_swap_sets_are_not_empty() -> None:
    """The properties above say something only if examples carry places, firms and verbs to swap."""
    assert len(PLACE_VIOLATIONS) >= 40 and len(PLACE_COMPLIANT) >= 20
    assert len(SHORT_CASES) >= 10 and len(FIRM_VIOLATIONS) >= 10 and len(VERB_CASES) >= 40
    assert len(FULL) > 2500 and len(SHORT) > 2000


# -- a document about individuals -------------------------------------------------------------------------
HOUSING = "某市购房补贴实施细则\n\n第一条 为支持居民购房，制定本细则。\n第二条 {}\n第三条 本细则自印发之日起施行。\n"


def _doc_flags(sentence: str) -> list[str]:
    doc = ENGINE.analyse_text(HOUSING.format(sentence), DocumentResult(path="<housing>")).result
    return [f.rule for f in doc.findings if f.flags()]


def test_a_firm_named_in_a_document_about_individuals_is_still_a_firm() -> None:
    """The personal scope spares clauses about people (购房人, 借款人), not a firm handed the business."""
    assert "ME301" in _doc_flags("补贴资金统一由恒信物业服务有限公司负责发放。")
    assert _doc_flags("购房人应当在签订购房合同后六个月内提出补贴申请。") == []
    assert _doc_flags("借款人申请贷款时，应当在受委托银行开立还款账户。") == []
