"""Old binary spreadsheets (.xls from Excel 97–2003, and .et from WPS 表格 saved in that format) via xlrd.

The same text as the .xlsx reader gives: one line per row, the row's non-empty cells joined by a tab, sheet
after sheet (each sheet's name on a line of its own when there are several); dates as ISO dates.

The workbook stream is taken out of its OLE compound file by olefile, and only the stream is given to xlrd:
xlrd's own compound-file reader follows a short-sector chain without checking for a cycle, so a damaged
chain that loops made it gather empty fragments until the machine ran out of memory (one flipped entry of
a 6 KB file; olefile reads a stream's declared sectors, no more).
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

from .base import Extracted, ReadError
from .xlsx_reader import SheetText

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def workbook_stream(data: bytes, fmt: str = "xls") -> bytes:
    """The BIFF records of an Excel 97–2003 (``Workbook``) or Excel 5/95 (``Book``) compound file."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            for stream in ("Workbook", "Book"):
                if ole.exists(stream):
                    return bytes(ole.openstream(stream).read())
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError … on broken files
        raise ReadError(f"{fmt} 工作簿的 OLE 复合文档结构损坏（{type(exc).__name__}），文件可能不完整") from exc
    raise ReadError(f"{fmt} 文件中没有 Workbook 流，不是 Excel 工作簿")


def read_xls(data: bytes, name: str, fmt: str = "xls") -> Extracted:
    import xlrd

    records = workbook_stream(data, fmt) if data.startswith(_OLE_MAGIC) else data
    try:
        # xlrd writes warnings to a log file (stdout by default): keep them out of the scan's output
        book = xlrd.open_workbook(file_contents=records, on_demand=True, ragged_rows=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        msg = str(exc)
        if "encrypt" in msg.lower():
            raise ReadError(f"{fmt} 工作簿已加密或设有打开密码，无法读取") from exc
        raise ReadError(f"{fmt} 文件不是有效的 Excel 97–2003 工作簿，或已损坏") from exc
    except Exception as exc:  # xlrd raises struct.error, IndexError, AssertionError … on damaged files
        raise ReadError(f"{fmt} 工作簿已损坏（{type(exc).__name__}）") from exc
    text = SheetText(fmt, sheets=book.nsheets)
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            text.sheet(sheet.name)
            for r in range(sheet.nrows):
                row = sheet.row(r)
                text.count_cells(len(row))
                text.add_row(_row_values(row, book.datemode))
            book.unload_sheet(index)
    except ReadError:
        raise
    except Exception as exc:  # a damaged sheet surfaces while it is loaded
        raise ReadError(f"{fmt} 工作簿已损坏（{type(exc).__name__}）") from exc
    finally:
        book.release_resources()
    return text.extracted()


def _row_values(row: list[Any], datemode: int) -> list[object]:
    """The cells' values as the .xlsx reader sees them: dates as datetimes, booleans as TRUE/FALSE, error and
    empty cells as nothing."""
    import xlrd

    values: list[object] = []
    for cell in row:
        value: object = cell.value
        if cell.ctype == xlrd.XL_CELL_DATE:
            with contextlib.suppress(ValueError, OverflowError, xlrd.xldate.XLDateError):
                value = xlrd.xldate_as_datetime(cell.value, datemode)
        elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            value = None
        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
            value = "TRUE" if cell.value else "FALSE"
        values.append(value)
    return values

