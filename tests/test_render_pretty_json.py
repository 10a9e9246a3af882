"""JSON through orjson where installed (fairreview.jsoncodec): the standard library's text and values all the
same; the escaped report built only when a string needs it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairreview import jsoncodec
from fairreview.escapes import escape_tree, json_escaped
from fairreview.report import render

# what a report holds: names and sentences with any character (escape_tree makes them valid UTF-8), counts,
# flags, nulls; nested objects and lists, empty ones too
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["第一条 本县", "\u2028\u2029", '"\\/', "\x00\x1b[31m", "\ud800x", "𠀀𪚥", "=1+1", ""])
ATOMS = TEXT | st.integers(-(2**63), 2**63 - 1) | st.booleans() | st.none()
VALUES = st.recursive(ATOMS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                      max_leaves=30)


@given(VALUES)
def test_the_same_text_as_the_standard_library(value: Any) -> None:
    value = escape_tree(value)  # as render_json passes every report through it
    assert render.pretty_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_what_orjson_refuses_goes_to_the_standard_library() -> None:
    big = {"n": 2**70, "s": ["甲"]}  # beyond 64 bits
    assert render.pretty_json(big) == json.dumps(big, ensure_ascii=False, indent=2)


def test_without_orjson_the_text_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    value = {"documents": [{"path": "某县/文件.txt", "findings": [], "chars": 12}], "summary": {}}
    with_it = render.pretty_json(value)
    monkeypatch.setattr(jsoncodec, "orjson", None)
    assert render.pretty_json(value) == with_it == json.dumps(value, ensure_ascii=False, indent=2)


def _stdlib(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@given(VALUES)
def test_a_report_is_escaped_as_if_every_string_went_through_escape_tree(value: Any) -> None:
    # the copy is skipped only when the text shows no string that escaping changes (backslashes, controls …)
    assert json_escaped(value, _stdlib) == _stdlib(escape_tree(value))
    assert json_escaped(value, render.pretty_json) == _stdlib(escape_tree(value))


def test_a_string_escaping_changes_is_escaped_where_it_stands() -> None:
    for text in ("C:\\x41目录", "\x85", "\u202e名称", "\x7f", "\x01"):
        value = {"documents": [{"path": text}], "n": 1}
        assert json_escaped(value, render.pretty_json) != _stdlib(value)
        assert json.loads(json_escaped(value, render.pretty_json)) == escape_tree(value)


# integers of any size: orjson reads those beyond 64 bits as floats (the cache must not)
ROWS = st.recursive(TEXT | st.integers() | st.booleans() | st.none(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=30)


@given(ROWS)
def test_cached_rows_decode_as_the_standard_library_decodes_them(value: Any) -> None:
    # the cache writes compact JSON with lone surrogates kept (surrogatepass); orjson refuses those bytes
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    assert jsoncodec.loads(data) == json.loads(data.decode("utf-8", "surrogatepass"))


def test_integers_beyond_64_bits_decode_exactly() -> None:
    for data in (b"[18446744073709551616]", b"[-9223372036854775809]", b'{"n":99999999999999999999}'):
        value = jsoncodec.loads(data)
        assert value == json.loads(data) and all(type(v) is int for v in (value.values() if isinstance(value, dict) else value))
