"""The walk's exclusions: the gitignore matcher is consulted only for paths that could match a default, and
says what pathspec itself says for every path."""

from __future__ import annotations

import pathspec
from hypothesis import given
from hypothesis import strategies as st

from fairreview.read.files import DEFAULT_EXCLUDES, Exclude

_DEFAULTS = pathspec.GitIgnoreSpec.from_lines([p.lower() for p in DEFAULT_EXCLUDES])
# parts of names: pieces of every default pattern, in either case, with what may stand around them
_PIECES = sorted({p.rstrip("/") for p in DEFAULT_EXCLUDES} | {"~", ".", "$", "#", ".tmp", "lock", "wr", "git"})
_PART = st.lists(st.sampled_from(_PIECES) | st.sampled_from(["通知", "a", "B", " ", "-", "x.docx"]),
                 min_size=1, max_size=3).map("".join)
_CASED = _PART.flatmap(lambda s: st.sampled_from([s, s.upper(), s.lower(), s.title()]))


def _reference(rel: str, is_dir: bool, own: tuple[str, ...]) -> bool:
    key = rel + "/" if is_dir else rel
    return _DEFAULTS.match_file(key.lower()) or (bool(own) and pathspec.GitIgnoreSpec.from_lines(own).match_file(key))


@given(st.lists(_CASED, min_size=1, max_size=4).map("/".join), st.booleans(),
       st.sampled_from([(), ("/草稿/",), ("*.bak", "!keep.bak"), ("a/",)]))
def test_exclusions_are_those_of_gitignore(rel: str, is_dir: bool, own: tuple[str, ...]) -> None:
    assert Exclude(own).matches(rel, is_dir) == _reference(rel, is_dir, own)


def test_every_default_is_excluded_at_any_depth_and_in_any_case() -> None:
    ex = Exclude()
    for pattern in DEFAULT_EXCLUDES:
        name = pattern.rstrip("/").replace("*", "x")
        for rel in (name, f"某县/{name}", f"某县/{name.upper()}"):
            assert ex.matches(rel, pattern.endswith("/")), rel
    assert not ex.matches("某县/关于印发办法的通知.docx", False)
