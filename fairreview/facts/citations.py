"""Cited laws: 《…》 titles (and unique 文号/令 numbers) matched against fairreview/data/superseded.yaml.

Rule LG001 "引用已废止/被替代的依据" (docs/rules/LG.md). Precision first: a citation matches an entry
only when its normalised title is the entry's title or a title-shaped alias — exactly, or with at most
a one-character slip in a long title (rapidfuzz) and identical numbers/parentheticals. A current law
that merely resembles a repealed one (《劳动合同法》 vs 《合同法》, 《噪声污染防治法》 vs
《环境噪声污染防治法》) never matches. Laws that were amended but are in force (公司法, 反垄断法 …) are
reported only when the citation names a version older than the amendment (《公司法》（2018年修正）).
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..legal import superseded
from ..match import detectors
from ..model import Finding, Structure, SupersededLaw
from ..read.normalize import Normalized

if TYPE_CHECKING:
    from ..match.lexicon import Rule

CODE = "LG001"
TITLE = "引用已废止/被替代的依据"
NAME = "superseded-legal-basis"

_CITATION = re.compile(r"《([^《》\n]{2,120})》")
_VERSION = re.compile(
    r"\((?:(?P<year>(?:19|20)\d{2})\s*年?\s*(?:修订|修正|修改|版|本)?|(?:修订|修正)(?:版|本)?)\)$"
)
_VERSION_AFTER = re.compile(r"\s*(\((?:19|20)\d{2}\s*年?\s*(?:修订|修正|修改)(?:版|本)?\))")
_TITLE_LIKE = re.compile(r"(法|条例|规定|办法|细则|决定|意见|规则|解释|目录|清单|通知|制度)(\([^)]*\))?$")
_NUMBER_ALIAS = re.compile(r"(〔|\[|\()(?:19|20)\d{2}(〕|\]|\))\d+号$|令第\d+号$")
_DISCRIMINATORS = re.compile(r"\d+|\([^)]*\)")
_NOT_A_BASIS = re.compile(r"废止|失效|不再执行|停止执行")
FUZZY_MIN = 95.0
FUZZY_MIN_LEN = 10


@dataclass(frozen=True)
class Entry:
    title: str
    status: str  # repealed | replaced | amended
    date: str
    replaced_by: str
    key: str  # normalised title
    effective: str = ""  # when the repeal/replacement took effect (ISO date), if known


_MARKS = re.compile(r"[\s《》〈〉<>“”\"]")


_YEAR_BRACKETS = re.compile(r"[\[(【](\d{4})[\])】]")


_NUMBER_YEAR = re.compile(r"[\[(【]((?:19|20)\d{2})[\])】]")


def norm_title(s: str) -> str:
    """NFKC, no spaces or inner quotes, no 中华人民共和国 prefix: 《中华人民共和国 合同法》 → 合同法."""
    s = unicodedata.normalize("NFKC", s)
    s = _MARKS.sub("", s)
    return s.replace("中华人民共和国", "")


def _split_version(key: str) -> tuple[str, int | None, bool]:
    """(title without a trailing version parenthetical, the version's year, whether one was removed)."""
    m = _VERSION.search(key)
    if not m:
        return key, None, False
    year = int(m.group("year")) if m.group("year") else None
    return key[: m.start()], year, True


def _norm_number(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace(" ", "")
    return _YEAR_BRACKETS.sub(r"〔\1〕", s)


@functools.lru_cache(maxsize=1)
def catalogue() -> tuple[dict[str, Entry], dict[str, Entry]]:
    """(normalised title → entry, normalised 文号/令 number → entry)."""
    titles: dict[str, Entry] = {}
    numbers: dict[str, Entry] = {}
    for row in superseded():
        key = norm_title(row["title"])
        entry = Entry(row["title"], row["status"], str(row.get("date") or ""),
                      str(row.get("replaced_by") or ""), key, str(row.get("effective") or ""))
        titles.setdefault(key, entry)
        for alias in row.get("aliases") or []:
            alias = str(alias)
            if _NUMBER_ALIAS.search(_norm_number(alias)) and not alias.startswith(("《", "18号令")):
                numbers.setdefault(_norm_number(alias), entry)
            elif not alias.startswith("《") and _TITLE_LIKE.search(norm_title(alias)):
                titles.setdefault(norm_title(alias), entry)
    return titles, numbers


@functools.lru_cache(maxsize=1)
def _fuzzy_titles() -> list[tuple[str, Entry, list[str], frozenset[str]]]:
    """(title, entry, its numbers and parentheticals, its characters) of the catalogue, read once instead of
    for every citation."""
    titles, _ = catalogue()
    return [(cand, entry, _DISCRIMINATORS.findall(cand), frozenset(cand)) for cand, entry in titles.items()]


def ratio_ceiling(key: str, cand_chars: frozenset[str], cand_len: int) -> float:
    """A bound that ``fuzz.ratio(key, cand)`` never exceeds: the ratio is 200 × the longest common subsequence
    / the two lengths (rapidfuzz's normalised Indel similarity), and that subsequence is made of characters
    of ``key`` that ``cand`` has. Where it is below :data:`FUZZY_MIN` the pair needs no rapidfuzz (no pair
    of the two corpora reaches it: a document citing no law by a slightly wrong title never imports it)."""
    return 200 * sum(map(cand_chars.__contains__, key)) / (len(key) + cand_len)


def _fuzzy(key: str) -> Entry | None:
    """A near-exact match: one slip in a long title, same numbers and parentheticals, same length ±1."""
    if len(key) < FUZZY_MIN_LEN:
        return None
    marks = _DISCRIMINATORS.findall(key)
    near = [(cand, entry) for cand, entry, cand_marks, chars in _fuzzy_titles()
            if abs(len(cand) - len(key)) <= 1 and cand_marks == marks
            and ratio_ceiling(key, chars, len(cand)) >= FUZZY_MIN]
    if not near:
        return None
    from rapidfuzz import fuzz  # imported here: most documents cite no law by a slightly wrong title

    best: tuple[float, Entry] | None = None
    for cand, entry in near:
        score = fuzz.ratio(key, cand)
        if score >= FUZZY_MIN and (best is None or score > best[0]):
            best = (score, entry)
    if best is None:
        return None
    entry = best[1]
    # closer to the replacement than to the old title: it is the new instrument
    if entry.replaced_by and fuzz.ratio(key, norm_title(entry.replaced_by)) >= best[0]:
        return None
    return entry


def match_citation(cited: str) -> tuple[Entry, int | None] | None:
    """The superseded entry a 《…》 citation refers to (and the version year it names), or None."""
    titles, _ = catalogue()
    key = norm_title(cited)
    bare, year, _ = _split_version(key)
    entry = titles.get(key) or titles.get(bare) or _fuzzy(bare)
    if entry is None:
        return None
    if entry.status == "amended":
        amended_year = int(entry.date[:4]) if entry.date[:4].isdigit() else None
        if year is None or amended_year is None or year >= amended_year:
            return None  # the current text, or a version at/after the amendment
    return entry, year


def _cn_date(iso: str) -> str:
    """2021-01-01 → 2021年1月1日 (a bare year or an unknown value is given as it is)."""
    parts = iso.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    return iso


def _message(cited: str, entry: Entry, year: int | None) -> tuple[str, str]:
    if entry.status == "amended":
        when = f"{entry.date[:4]}年" if entry.date[:4].isdigit() else ""
        msg = (f"引用的《{cited}》是{year}年的版本，该法规已于{when}修订，条文和条号可能已变化；"
               f"现行版本：{entry.replaced_by}")
        return msg, "改为引用现行有效版本，并核对所引条号"
    what = "已废止" if entry.status == "repealed" else "已被替代"
    since = f"（{_cn_date(entry.effective)}起）" if entry.effective else ""
    msg = f"引用的《{cited}》{what}{since}，现行依据为{entry.replaced_by}"
    return msg, f"将依据改为{entry.replaced_by}，并核对所引条文"


def _locate(structure: Structure, start: int) -> tuple[int, int, str, int | None]:
    """The sentence (normalised span, location, clause) holding normalised offset ``start``."""
    starts = [s.start for s in structure.sentences]
    i = bisect.bisect_right(starts, start) - 1
    if i >= 0 and structure.sentences[i].start <= start < structure.sentences[i].end:
        s = structure.sentences[i]
        return s.start, s.end, s.location, s.clause
    return start, start, "正文", None


@functools.lru_cache(maxsize=1)
def _number_citation() -> re.Pattern[str]:
    """A 文号 of the catalogue, compiled once."""
    _, numbers = catalogue()
    return re.compile("(" + "|".join(re.escape(k) for k in numbers) + ")")


_AFTER_WORD = re.compile(r"[\u4e00-\u9fff\d]")  # a 文号 right after one is part of a longer one


def _numbers_cited(text: str) -> Iterator[re.Match[str]]:
    """The catalogue's 文号 in ``text`` not right after a character or digit, as ``(?<!…)(…)`` would find them:
    the expression without the look-behind, which the regex engine scans for far faster, and the
    look-behind checked on the few matches."""
    rx, pos = _number_citation(), 0
    while (m := rx.search(text, pos)) is not None:
        if m.start() > 0 and _AFTER_WORD.match(text, m.start() - 1):
            pos = m.start() + 1
            continue
        yield m
        pos = m.end()


def find_citations(text: str) -> list[tuple[int, int, str, Entry, int | None]]:
    """(start, end, cited title, entry, version year) for every superseded citation in normalised text."""
    _, numbers = catalogue()
    out: list[tuple[int, int, str, Entry, int | None]] = []
    for m in _CITATION.finditer(text):
        cited, end = m.group(1), m.end()
        version = _VERSION_AFTER.match(text, end)  # 《公司法》（2018年修正）
        if version:
            cited, end = cited + version.group(1), version.end()
        hit = match_citation(cited)
        if hit is not None:
            out.append((m.start(), end, cited, hit[0], hit[1]))
    if numbers:
        folded = _NUMBER_YEAR.sub(r"〔\1〕", text)  # same length: offsets hold
        for m in _numbers_cited(folded):
            entry = numbers[m.group(1)]
            out.append((m.start(), m.end(), entry.title, entry, None))
    return sorted(out, key=lambda c: c[0])


@detectors.register("superseded-citation")
def superseded_detector(rule: Rule, text: str, norm: Normalized, structure: Structure,
                        as_of: str | None = None) -> list[Finding]:
    """The findings of a ``detector: superseded-citation`` rule (LG001 in lexicons/legality.yaml)."""
    return superseded_findings(text, norm, structure, as_of=as_of, rule=rule)


def superseded_findings(text: str, norm: Normalized, structure: Structure, as_of: str | None = None,
                        rule: Rule | None = None) -> list[Finding]:
    """Superseded-citation findings for one document: ``text`` is the extracted text, ``norm`` its normalised
    view. A repeal that takes effect after ``as_of`` (the review date) is not reported yet."""
    code, name, title = (rule.code, rule.name, rule.title) if rule else (CODE, NAME, TITLE)
    severity = rule.severity if rule else "warning"
    provisions = list(rule.provisions) if rule else []
    findings: list[Finding] = []
    seen: set[tuple[str, int]] = set()
    for start, end, cited, entry, year in find_citations(norm.text):
        s_start, s_end, location, clause = _locate(structure, start)
        sentence = norm.text[s_start:s_end] if s_end > s_start else norm.text[start:end]
        before = norm.text[s_start:start] if s_end > s_start else ""
        if _NOT_A_BASIS.search(sentence.replace(norm.text[start:end], "")) or before.endswith("原"):
            continue  # the sentence records the repeal (同时废止 / 原《合同法》), it does not rely on the law
        if as_of and entry.effective and entry.effective > as_of:
            continue
        if (entry.title, s_start) in seen:
            continue
        seen.add((entry.title, s_start))
        a, b = norm.span(s_start, s_end) if s_end > s_start else norm.span(start, end)
        message, suggestion = _message(cited, entry, year)
        findings.append(Finding(
            rule=code,
            name=name,
            provisions=provisions,  # OBE-63 (the legality of the basis), never a fair-competition article
            severity=severity,
            location=location,
            start=a,
            end=b,
            text=text[a:b],
            evidence=[norm.text[start:end]],
            message=message,
            suggestion=suggestion,
            title=title,
            clause=None,  # an outdated citation calls for 修改, never counts toward 废止 by clause share
            sentence_clause=clause,
            trigger_start=norm.offsets[start],
            superseded=SupersededLaw(entry.title, entry.status, entry.date, entry.replaced_by),
        ))
    return findings

