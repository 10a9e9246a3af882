"""The shipped tables (fairreview/precomputed.py) are what their builders make from the current sources, the code
reads exactly them, and without them (or under another Unicode version) it builds its own. When the first test
fails, run ``python scripts/build_tables.py``."""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from fairreview import legal, precomputed
from fairreview.concepts import gazetteer
from fairreview.read import plausible
from fairreview.read.normalize import _build_tables, _shipped_tables, _tables

ROOT = Path(__file__).resolve().parent.parent
FIX = "预计算表与其来源不一致：请运行 `python scripts/build_tables.py` 重新生成 fairreview/data/precomputed/"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_tables", ROOT / "scripts" / "build_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_shipped_table_is_what_its_builder_makes_now() -> None:
    tables = _script().TABLES
    assert sorted(tables) == sorted(p.stem for p in precomputed.DIR.glob("*.json"))
    for name, (build, _source, by_unicode) in tables.items():
        shipped = precomputed.load(name, unicodedata.unidata_version if by_unicode else None)
        assert shipped is not None, f"{name}: {FIX}"
        assert shipped == build(), f"{name}: {FIX}"


def test_the_code_reads_exactly_what_the_slow_way_gives() -> None:
    names, built = gazetteer.names(), gazetteer.build_names()
    # the order too: it is the order of the place automaton's words
    assert list(names.full.items()) == list(built.full.items())
    assert list(names.short.items()) == list(built.short.items())
    assert plausible._rare().pattern == "[" + plausible.rare_ranges() + "]"
    shipped = _shipped_tables()
    assert shipped is not None
    (one, multi), (built_one, built_multi) = shipped, _build_tables()
    assert list(one.items()) == list(built_one.items()) and multi == built_multi
    assert _tables()[0] == one
    assert legal.superseded() == legal.superseded_rows()
    assert legal.provisions() == _provisions_from_yaml()


def _provisions_from_yaml() -> dict[str, legal.Provision]:
    """The provisions as they were read straight from provisions.yaml before the table."""
    out = {}
    for row in legal.load_yaml(legal.DATA / "provisions.yaml"):
        elab = row.get("elaborates") or []
        out[row["id"]] = legal.Provision(row["id"], row.get("law", ""), row.get("article", ""), row.get("item"),
                                         row.get("text"), row.get("chapeau"),
                                         tuple([elab] if isinstance(elab, str) else elab), row.get("source"))
    return out


def test_superseded_rows_keep_what_the_catalogue_reads_from_the_yaml() -> None:
    raw = legal.load_yaml(legal.DATA / "superseded.yaml")
    rows = legal.superseded_rows()
    assert len(rows) == len(raw) > 50
    for row, original in zip(rows, raw, strict=True):
        assert row["title"] == original["title"] and row["status"] == original["status"]
        assert str(row.get("date") or "") == str(original.get("date") or "")
        assert str(row.get("effective") or "") == str(original.get("effective") or "")
        assert [str(a) for a in row.get("aliases") or []] == [str(a) for a in original.get("aliases") or []]


def test_without_the_tables_everything_is_built_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = (gazetteer.names(), plausible._rare().pattern, _tables()[0], legal.superseded())
    cached = (gazetteer.names, plausible._rare, _tables, legal.superseded)
    monkeypatch.setattr(precomputed, "DIR", tmp_path)  # no table there
    for f in cached:
        f.cache_clear()
    try:
        assert precomputed.load(gazetteer.NAMES_TABLE) is None
        names = gazetteer.names()
        assert (names.full, names.short) == (expected[0].full, expected[0].short)
        assert plausible._rare().pattern == expected[1]
        assert _tables()[0] == expected[2]
        assert legal.superseded() == expected[3]
    finally:
        for f in cached:
            f.cache_clear()


def test_a_table_of_another_unicode_version_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precomputed, "DIR", tmp_path)
    precomputed.dump("t", {"a": "b"}, "test", unicode="1.0.0")
    assert precomputed.load("t", unicode="1.0.0") == {"a": "b"}
    assert precomputed.load("t", unicode=unicodedata.unidata_version) is None
    assert precomputed.load("t") is None
    (tmp_path / "u.json").write_text("{not json", encoding="utf-8")
    assert precomputed.load("u") is None
