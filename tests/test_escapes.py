"""Names and text from outside: the lossless escape and the spreadsheet guard, as properties (hypothesis)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from fairreview.escapes import (
    escape_text,
    formula_like,
    from_sheet_cell,
    has_surrogates,
    has_unsafe,
    sheet_cell,
    unescape_text,
)
from fairreview.review.ledger import text_cell

# Every code point, lone surrogates included, with the characters that matter over-represented.
TRICKY = ["\\", "x", "u", "0", "a", "f", "=", "+", "-", "@", "'", "\t", "\r", "\n", "\x1b", "\x00", "\x7f",
          "\x85", "\u202e", "\ufeff", "\udcb9", "\udc80", "\ud800", "公", "𠀀"]
ANY_CHAR = st.one_of(st.characters(codec=None, exclude_categories=()), st.sampled_from(TRICKY))
ANY_TEXT = st.text(ANY_CHAR, max_size=40)
FORMULA = ("=", "+", "-", "@", "\t", "\r")


@given(ANY_TEXT)
def test_escape_round_trips_any_string(text: str) -> None:
    assert unescape_text(escape_text(text)) == text


@given(ANY_TEXT, ANY_TEXT)
def test_escape_is_injective(a: str, b: str) -> None:
    if a != b:
        assert escape_text(a) != escape_text(b)


@given(ANY_TEXT)
def test_escaped_text_is_safe_everywhere(text: str) -> None:
    out = escape_text(text)
    out.encode("utf-8")  # a file, SQLite, a terminal: always encodable
    assert not has_unsafe(out)
    assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in out)
    assert "\x7f" not in out and not any(0x80 <= ord(c) <= 0x9F for c in out)


@given(st.text(st.characters(codec="utf-8", exclude_characters="\\"), max_size=40))
def test_plain_text_is_left_alone(text: str) -> None:
    if not has_unsafe(text):
        assert escape_text(text) == text


def test_examples_a_person_reads() -> None:
    name = "公文".encode("gbk").decode("utf-8", "surrogateescape") + ".txt"
    assert has_surrogates(name)
    assert escape_text(name) == "\\xb9\\xab\\xce\\xc4.txt"
    assert escape_text("标题\x1b[2J") == "标题\\x1b[2J"
    assert escape_text("C:\\公文\\a.txt") == "C:\\公文\\a.txt"  # Windows paths stay readable
    assert escape_text("C:\\x1") == "C:\\\\x1"  # only a backslash that would start an escape is doubled
    assert escape_text("\u202etxt.exe") == "\\u202etxt.exe"


@given(ANY_TEXT)
def test_csv_cell_round_trips_and_never_starts_a_formula(text: str) -> None:
    cell = sheet_cell(text)
    assert from_sheet_cell(cell) == text
    assert not cell.startswith(FORMULA)
    buf = io.StringIO()
    csv.writer(buf).writerow([cell, "尾"])
    (back, tail), = csv.reader(io.StringIO(buf.getvalue()))
    assert from_sheet_cell(back) == text and tail == "尾"


@given(st.lists(ANY_TEXT, min_size=1, max_size=8))
def test_xlsx_cells_round_trip_as_text_never_formulas(texts: list[str]) -> None:
    """The ledger's XLSX cells: saved and loaded again, each is text (never a formula) and unescapes exactly."""
    wb = Workbook()
    ws = wb.active
    for r, text in enumerate(texts, 1):
        text_cell(ws.cell(row=r, column=1), text)
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    for r, text in enumerate(texts, 1):
        cell = back.cell(row=r, column=1)
        assert cell.data_type != "f"
        value = cell.value if cell.value is not None else ""
        assert isinstance(value, str) and unescape_text(value) == text
        if formula_like(value):
            assert cell.quotePrefix
