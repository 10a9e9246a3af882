"""Chinese dates in documents: ``2024年3月5日``, ``二〇二四年三月五日``, ``2024年3月`` (month end when an end
date), ``2025年底``. Works on NFKC-normalised text (full-width digits already ASCII)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9, "两": 2}
_YEAR = r"(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九O]{4})"
_SMALL = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
#: year 年 month 月 day 日 / year 年 month 月 / year 年底|年末|年 12 月 31 日
DATE = re.compile(
    rf"(?P<y>{_YEAR})\s*年\s*(?:(?P<m>{_SMALL})\s*月(?:\s*(?P<d>{_SMALL})\s*[日号])?|(?P<end>底|末))"
)
#: the same shape without named groups, to embed in bigger patterns
DATE_TEXT = re.sub(r"\(\?P<\w+>", "(?:", DATE.pattern)
_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")


@dataclass
class FoundDate:
    start: int
    end: int
    date: dt.date
    precise: bool  # the day was written (not a month or a year end)


def cn_int(s: str) -> int | None:
    """'12', '十二', '二十三', '三十一', '二' → int; None when not a number."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in _CN_DIGIT and c != "十" for c in s):
        return None
    if "十" not in s:
        value = 0
        for c in s:
            value = value * 10 + _CN_DIGIT[c]
        return value
    head, _, tail = s.partition("十")
    tens = _CN_DIGIT.get(head, 0) if head else 1
    ones = _CN_DIGIT.get(tail, 0) if tail else 0
    return tens * 10 + ones


def _year(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = [_CN_DIGIT.get(c) for c in s]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def to_date(y: int, m: int | None, d: int | None, end: bool) -> dt.date | None:
    """A calendar date; a missing day is the month's first day, or its last when ``end``."""
    try:
        if m is None:
            return dt.date(y, 12, 31) if end else dt.date(y, 1, 1)
        if d is None:
            return dt.date(y, m, calendar.monthrange(y, m)[1] if end else 1)
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_match(m: re.Match[str], end: bool = False) -> FoundDate | None:
    y = _year(m.group("y"))
    if y is None or not 1949 <= y <= 2100:
        return None
    month = cn_int(m.group("m")) if m.group("m") else None
    day = cn_int(m.group("d")) if m.group("d") else None
    if m.group("end"):
        month, day, end = 12, 31, True
    date = to_date(y, month, day, end)
    if date is None:
        return None
    return FoundDate(m.start(), m.end(), date, precise=day is not None)


def find_dates(text: str, end: bool = False) -> list[FoundDate]:
    out = []
    for m in DATE.finditer(text):
        found = parse_match(m, end)
        if found is not None:
            out.append(found)
    return out


def parse_date(text: str, end: bool = False) -> dt.date | None:
    """The first date in ``text`` (Chinese or ISO-like)."""
    found = find_dates(text, end)
    if found:
        return found[0].date
    m = _ISO.search(text)
    if m:
        return to_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), end)
    return None


def add_years(start: dt.date, years: int = 0, months: int = 0) -> dt.date:
    """The last day of a period of ``years``/``months`` that starts on ``start`` (有效期5年 from 2025-05-01
    runs to 2030-04-30)."""
    total = start.month - 1 + months + 12 * years
    y, m = start.year + total // 12, total % 12 + 1
    day = min(start.day, calendar.monthrange(y, m)[1])
    return dt.date(y, m, day) - dt.timedelta(days=1)
