"""The prefilter (fairreview/match/prefilter.py) only skips what could not match: the matches are exactly those
of trying every pattern of every rule on every sentence. Needs of span providers and class patterns are
necessary conditions (every span, every match holds one); the automaton places each word in its sentence."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairreview.concepts.needs import Need, required_literals
from fairreview.concepts.orgs import find_gov, find_orgs, gov_needs, org_needs
from fairreview.concepts.places import (
    _ABBR_CUE,
    _TOWN,
    _TOWN_NEED,
    LOCAL_KINDS,
    _abbreviations,
    find_places,
    place_need,
)
from fairreview.match.automaton import TermIndex
from fairreview.match.lexicon import load
from fairreview.match.matcher import Match, Matcher, document_context
from fairreview.match.prefilter import Prefilter, _class_chars, _one_expression
from fairreview.model import Structure
from fairreview.read import normalize
from fairreview.regex import Regex
from fairreview.structure import parse

LEXICON = load()
MATCHER = Matcher(LEXICON)
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def _every_pattern(text: str, structure: Structure) -> list[Match]:
    """What the matcher finds when every pattern is tried on every sentence (no needs, no triggers)."""
    doc = document_context(text, structure)
    every = sorted(MATCHER.prefilter.candidates, key=lambda c: (c.index, c.position))
    out: list[Match] = []
    for k, sent in enumerate(structure.sentences):
        body = text[sent.start : sent.end]
        out.extend(MATCHER._match_sentence(text, structure, k, body, every, doc))
    return out


def _key(matches: list[Match]) -> list[tuple[str, int, int, tuple[str, ...], str, int]]:
    return [(m.rule.code, m.sentence.start, m.sentence.end, tuple(m.evidence), m.severity, m.head) for m in matches]


def _same(text: str) -> None:
    norm = normalize(text).text
    structure = parse(norm)
    assert _key(MATCHER.match(norm, structure)) == _key(_every_pattern(norm, structure))


def test_rule_examples_match_as_without_the_prefilter() -> None:
    examples = [e for r in LEXICON.rules for e in (*r.violation_examples, *r.compliant_examples)]
    assert len(examples) > 100
    found = 0
    for text in examples:
        _same(text)
        found += bool(MATCHER.match(normalize(text).text, parse(normalize(text).text)))
    assert found > 50  # the comparison is about sentences that do match, not only empty lists


def test_a_long_document_read_in_blocks_matches_as_without_the_prefilter(monkeypatch: pytest.MonkeyPatch) -> None:
    from fairreview.match import prefilter

    monkeypatch.setattr(prefilter, "BLOCK", 3)  # blocks of three sentences: every boundary case in a short text
    examples = [e for r in LEXICON.rules for e in r.violation_examples][::3][:40]
    text = "\n".join(examples)
    norm = normalize(text).text
    assert len(parse(norm).sentences) > 20 and MATCHER.match(norm, parse(norm))
    _same(text)


def test_sentences_above_a_title_found_lower_down_match_as_without_the_prefilter() -> None:
    # the title is the first clause and the lines above it (front matter) follow it: structure.sentences is
    # not in text order, and the sentences above the title must still reach the rules
    text = "一、总体要求\n对在本区注册纳税的企业，给予一次性奖励50万元。\n二、保障措施\n各部门要加强协调。"
    norm = normalize(text).text
    structure = parse(norm)
    starts = [s.start for s in structure.sentences]
    assert starts != sorted(starts)
    assert any(m.sentence.start == norm.index("对在本区") for m in _every_pattern(norm, structure))
    _same(text)


# Sentences made of the words the rules are written in: classes, places, firms, punctuation, filler.
_WORDS = sorted({t for c in LEXICON.classes.values() for t in c.terms}
                | {"本市", "本区", "鼓楼区", "江苏省", "某公司", "区属城投集团", "县第一服装公司", "外地", "以外", "在京",
                   "注册", "人民政府", "区商务局", "甲方", "某某镇", "高新区", "年", "满", "3年", "得5分", "加分",
                   # abbreviations and towns, whose needs are expressions: 来沪投资, 梅村镇, 城乡 (no town)
                   "来", "落户", "沪", "甬", "投资", "镇", "乡", "街道", "苏木", "城乡", "乡镇", "梅村", "古"})
_SENTENCE = st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(list("，。；：、的和在由与为从向企业"))),
                     min_size=1, max_size=14).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=4).map("\n".join))
def test_generated_clauses_match_as_without_the_prefilter(text: str) -> None:
    _same(text)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_corpus_documents_match_as_without_the_prefilter() -> None:
    files = sorted((CORPUS / "policies").glob("*"))[:40] + sorted((CORPUS / "regulations").glob("*"))[:10]
    for path in files:
        _same(path.read_text(encoding="utf-8", errors="replace"))


@settings(max_examples=200, deadline=None)
@given(st.lists(_SENTENCE, min_size=2, max_size=12),
       st.randoms(use_true_random=False), st.integers(1, 4))
def test_sentences_in_any_order_are_planned_as_in_text_order(parts: list[str], rnd: random.Random, block: int) -> None:
    from fairreview.match import prefilter

    pf = MATCHER.prefilter
    text, spans, pos = "", [], 0
    for part in parts:
        spans.append((pos, pos + len(part)))
        text += part + "\n"
        pos += len(part) + 1
    shuffled = spans[:]
    rnd.shuffle(shuffled)
    old = prefilter.BLOCK
    try:
        prefilter.BLOCK = block
        in_order = pf.plan(text, spans, pf.by_trigger)
        got = pf.plan(text, shuffled, pf.by_trigger)
    finally:
        prefilter.BLOCK = old
    assert in_order or not got
    assert {shuffled[k]: todo for k, todo in got.items()} == {spans[k]: todo for k, todo in in_order.items()}


# -- the needs themselves --------------------------------------------------------------------------------
def _met(need: Need, text: str) -> bool:
    return any(t in text for t in need.terms) or need.met_without_terms(text)


@settings(max_examples=200, deadline=None)
@given(_SENTENCE)
def test_a_sentence_with_a_span_meets_its_provider_needs(text: str) -> None:
    text = normalize(text).text
    for span in find_places(text):
        need = place_need(frozenset({span.kind}))
        assert need is not None and _met(need, text), span
        local = place_need(LOCAL_KINDS)
        assert span.kind not in LOCAL_KINDS or (local is not None and _met(local, text))
    for span in find_orgs(text):
        assert all(_met(n, text) for n in org_needs(frozenset({span.kind}))), span
    for span in find_gov(text):
        assert all(_met(n, text) for n in gov_needs(None)), span


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="梅村城乡镇街道苏木古小政府企甲、，在来落户沪甬注册投资", max_size=12))
def test_the_place_needs_written_as_expressions_hold_wherever_their_spans_can(text: str) -> None:
    # the town need (suffix first) matches exactly where _TOWN can; an abbreviation needs its cues around it
    assert (_TOWN_NEED.search(text) is not None) == (_TOWN.search(text) is not None)
    assert not _abbreviations(text) or _ABBR_CUE.search(text) is not None


def test_an_expression_need_is_met_by_its_characters_words_or_expression_and_tested_once() -> None:
    searched: list[str] = []

    class Counted(Regex):
        def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
            searched.append(string)
            return super().search(string, pos, endpos)

    rule = LEXICON.rules[0]
    needs: tuple[Need, ...] = (Need(frozenset({"甲乙"})), Need(frozenset({"庚辛"}), frozenset({"丙"}), (Counted("丁+戊"),)))
    known = {rule.code: tuple(needs for _ in rule.patterns)}
    pf = Prefilter([rule, rule], LEXICON.classes, known)  # every pattern twice: the need is shared
    sentences = ["甲乙丙", "甲乙庚辛", "甲乙丁丁戊", "甲乙", "丙丁戊", "甲乙戊丁", "丙"]
    text = "\n".join(sentences)
    spans, pos = [], 0
    for sent in sentences:
        spans.append((pos, pos + len(sent)))
        pos += len(sent) + 1
    picked = pf.plan(text, spans, pf.by_trigger)
    assert sorted(picked) == [0, 1, 2]  # the character, the words, the expression; never without 甲乙
    assert len(picked[0]) == 2 * len(rule.patterns)
    # the expression was tried once in each sentence with 甲乙 that neither 庚辛 nor 丙 decided
    assert sorted(searched) == sorted(["甲乙丁丁戊", "甲乙", "甲乙戊丁"])
    # a character outside every sentence (between them) meets nothing
    assert not pf.plan("甲乙 丙", [(0, 2)], pf.by_trigger)


_PATTERNS = sorted({p for c in LEXICON.classes.values() for p in c.patterns})


@pytest.mark.parametrize("pattern", _PATTERNS)
def test_every_match_of_a_class_pattern_holds_a_literal_read_from_it(pattern: str) -> None:
    lits = required_literals(pattern)
    if lits is None:
        pytest.skip("no literal can be read: the pattern itself is the need")

    @settings(max_examples=50, deadline=None)
    @given(st.from_regex(pattern))
    def check(text: str) -> None:
        m = re.search(pattern, text)
        assert m is not None
        assert any(lit in m.group(0) for lit in lits), (pattern, m.group(0), lits)

    check()


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"其他[^,]{0,8}(品牌|企业)", {"其他"}),
    (r"税收(?=在|达)", {"税收"}),
    (r"(得|加)\s*\d+分|打分|加分", {"分", "打分", "加分"}),
    (r"(?:xy)?z", {"z"}),
    (r"(?i:ab)", None),
    (r"\d+", None),
])
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    got = required_literals(pattern)
    assert (None if got is None else set(got)) == expected


# -- one pass of the automaton -------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="本市区注册企业公司甲乙，。", max_size=60), st.lists(st.integers(0, 60), max_size=8),
       st.integers(1, 4))
def test_the_index_places_every_word_in_the_spans_that_hold_it(text: str, cuts: list[int], block: int) -> None:
    words = ["本市", "注册", "企业", "市区", "公司", "注册企业"]
    index = TermIndex(words)
    bounds = sorted({0, len(text), *(c for c in cuts if c <= len(text))})
    spans = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a][::2]  # with gaps between
    expected: dict[int, int] = {}
    for k, (a, b) in enumerate(spans):
        for w in words:
            if any(text.startswith(w, i) and i + len(w) <= b for i in range(a, b)):
                expected[index.words.index(w)] = expected.get(index.words.index(w), 0) | 1 << k
    got: dict[int, int] = {}
    for first, found in index.sentences(text, spans, block):
        assert first % block == 0
        for i, held in found.items():
            assert held and held < 1 << block  # the bits of the block's own spans
            got[i] = got.get(i, 0) | held << first
    assert got == expected


def test_the_index_refuses_a_single_character() -> None:
    with pytest.raises(ValueError, match="单字"):
        TermIndex(["本市", "市"])


def test_no_trigger_is_a_single_character() -> None:
    prefilter = Prefilter(LEXICON.rules, LEXICON.classes)
    assert all(len(t) >= 2 for t in prefilter.index.words)
    # every pattern is reached through a need of words of two or more characters, decided by the automaton
    for c in prefilter.candidates:
        need = prefilter.needs[c.trigger]
        assert need.automatic and all(len(t) >= 2 for t in need.terms)


@pytest.mark.parametrize(("pattern", "expected"), [
    ("[京津沪]", {"京", "津", "沪"}),
    ("京", {"京"}),
    ("[^京津]", None),  # matches almost anywhere: not a set of characters to look for
    ("[京津]+市", None),
    (r"[\d]", None),
    ("(?i)[ab]", None),
])
def test_an_expression_that_is_one_character_class_is_looked_for_as_its_characters(
        pattern: str, expected: set[str] | None) -> None:
    got = _class_chars(Regex(pattern))
    assert (None if got is None else set(got)) == expected


def _plan_of(pf: Prefilter) -> tuple[object, ...]:
    cands = [(c.rule.code, c.position, c.trigger, c.words, c.chars, c.lazy, c.doc_checks) for c in pf.candidates]
    return cands, pf.needs, pf.index.words, pf._meets, pf._char_src


def test_needs_read_back_from_the_rules_cache_give_the_same_prefilter() -> None:
    from fairreview.cache import from_data, rules_fingerprint, to_data
    from fairreview.match.lexicon import Lexicon
    from fairreview.match.prefilter import plan_needs

    stored = from_data(Lexicon, to_data(plan_needs(LEXICON)))  # as a scan reads it back from the cache
    assert stored.planned and not LEXICON.planned
    assert rules_fingerprint(stored) == rules_fingerprint(LEXICON)  # cached results stay valid
    assert _plan_of(Prefilter(stored.rules, stored.classes, stored.planned_needs())) == _plan_of(MATCHER.prefilter)
    # a selection keeps the needs of the rules it keeps, and gives what working them out gives
    chosen = stored.select(["ME", "PY1"], ["ME3"])
    assert set(chosen.planned) == {r.code for r in chosen.rules}
    fresh = LEXICON.select(["ME", "PY1"], ["ME3"])
    assert _plan_of(Prefilter(chosen.rules, chosen.classes, chosen.planned_needs())) == _plan_of(
        Prefilter(fresh.rules, fresh.classes))


@pytest.mark.parametrize("patterns", [
    ("(甲)?乙(?(1)丙|丁)", "(戊)?己(?(1)庚|辛)"),  # a conditional group by number: joined, 1 is the first's
    ("(甲)乙\\1", "(戊)己\\1"),
    ("(?P<x>甲)?乙(?(x)丙|丁)", "(?P<y>戊)?己(?(y)庚|辛)"),
    ("(?i)ab", "乙"),
    ("甲乙", "丙(?=丁)", "(?<=戊)己"),
])
@pytest.mark.parametrize("text", ["甲乙丙", "乙丁", "戊己庚", "己辛", "戊己", "甲乙甲", "戊己戊", "AB", "丙丁", "戊己", "丙"])
def test_expressions_joined_into_one_search_are_met_where_one_of_them_is(patterns: tuple[str, ...], text: str) -> None:
    rxs = [Regex(p) for p in patterns]
    joined = _one_expression(rxs)
    assert any(rx.search(text) for rx in joined) == any(rx.search(text) for rx in rxs)
