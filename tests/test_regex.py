"""The lazily compiled regular expression the rules hold (fairreview.regex)."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairreview.regex import Regex

WORDS = st.lists(st.text(alphabet="本市区县注册纳税企业甲乙ab", min_size=1, max_size=4), min_size=1, max_size=5)


@given(WORDS, st.text(alphabet="本市区县注册纳税企业甲乙ab，。", max_size=30))
def test_it_finds_what_the_compiled_expression_finds(words: list[str], text: str) -> None:
    pattern = "|".join(map(re.escape, words))
    rx, lazy = re.compile(pattern), Regex(pattern)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in rx.finditer(text)]
    for pos in range(len(text) + 1):
        got, want = lazy.search(text, pos), rx.search(text, pos)
        assert (got.span() if got else None) == (want.span() if want else None)
        got, want = lazy.match(text, pos), rx.match(text, pos)
        assert (got.span() if got else None) == (want.span() if want else None)


def test_it_compiles_once_on_first_use_and_only_then() -> None:
    lazy = Regex("企业(?=注册)")
    assert lazy._compiled is None  # nothing compiled by building it
    assert lazy.search("企业注册") is not None
    first = lazy.compiled
    assert lazy.fullmatch("企业") is None and lazy.compiled is first


def test_a_wrong_expression_fails_when_checked_or_first_used() -> None:
    with pytest.raises(re.error):
        Regex("(企业", check=True)
    unchecked = Regex("(企业")
    with pytest.raises(re.error):
        unchecked.search("企业")


def test_equal_and_hashed_by_source_and_flags() -> None:
    assert Regex("a|b") == Regex("a|b") and hash(Regex("a|b")) == hash(Regex("a|b"))
    assert Regex("a|b") != Regex("a|b", re.IGNORECASE) and Regex("a|b") != Regex("b|a")
    assert len({Regex("x"), Regex("x"), Regex("y")}) == 2


def test_it_travels_to_a_worker_without_its_compiled_form() -> None:
    lazy = Regex("注册地?在", re.IGNORECASE)
    lazy.search("注册在")
    back = copy.deepcopy(lazy)  # through __getstate__, as a worker started by spawn receives the rules
    assert back == lazy and back._compiled is None and back.search("注册地在") is not None
