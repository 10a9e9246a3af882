"""Spreadsheets (.xlsx, and .et from WPS when it is OOXML inside): openpyxl read-only, values only.

Each row's non-empty cells are joined by a tab, one line per row, sheet by sheet (a sheet's name is its
own line). Formulas are read as their cached values, as a person sees them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from .base import Extracted, ReadError
from .limits import current
from .safety import check_package_xml, library_reason, open_zip


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    return str(value).strip()


class SheetText:
    """A workbook's text as both spreadsheet readers give it, within the read budget: cells and characters are
    counted row by row, so an oversized workbook is refused part way rather than read whole."""

    def __init__(self, fmt: str, sheets: int):
        self.fmt = fmt
        self.limits = current()
        self.named = sheets > 1  # a sheet's name is a line of its own only where there are several
        self.lines: list[str] = []
        self.cell_count = self.char_count = 0

    def sheet(self, title: str) -> None:
        if self.named:
            self.lines.append(title)

    def count_cells(self, n: int) -> None:
        """Count a row's cells (before its values are converted); an empty row costs one, so that a sheet whose
        rows are numbered far apart is bounded too."""
        self.cell_count += max(n, 1)
        if self.cell_count > self.limits.max_cells:
            raise ReadError(f"工作簿单元格过多（超过 {self.limits.max_cells} 个），已跳过")

    def add_row(self, values: Iterable[object]) -> None:
        """One line: the row's non-empty cells joined by a tab."""
        line = "\t".join(v for v in map(cell_text, values) if v)
        if not line:
            return
        self.lines.append(line)
        self.char_count += len(line)
        if self.char_count > self.limits.max_chars:
            raise ReadError(f"{self.fmt} 提取的文字超过 {self.limits.max_chars} 字，已跳过")

    def extracted(self) -> Extracted:
        text = "\n".join(self.lines)
        if not text.strip():
            raise ReadError(f"{self.fmt} 工作簿中没有文字")
        return Extracted(text=text, format=self.fmt)


def read_xlsx(data: bytes, name: str, fmt: str = "xlsx") -> Extracted:
    import openpyxl

    zf = open_zip(data, fmt)
    if "EncryptedPackage" in zf.namelist():
        raise ReadError("文件已加密或设有密码，无法读取")
    if "xl/workbook.xml" not in zf.namelist():
        raise ReadError(f"zip 包中没有 xl/workbook.xml，不是 Excel 工作簿（{fmt}）")
    check_package_xml(zf, fmt)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError, OSError,
            EOFError) as exc:
        raise ReadError(f"{fmt} 文件损坏：{library_reason(exc)}") from exc
    except Exception as exc:  # openpyxl surfaces lxml/ElementTree parse errors of broken parts
        raise ReadError(f"{fmt} 文件损坏：{type(exc).__name__}") from exc
    text = SheetText(fmt, sheets=len(wb.worksheets))
    try:
        for ws in wb.worksheets:
            text.sheet(ws.title)
            # rows as long as their own last cell, not padded to the sheet's declared width and height: one
            # value in XFD1048576 would otherwise make 17 billion empty cells of an ordinary list
            ws.reset_dimensions()
            for row in ws.iter_rows(values_only=True):
                text.count_cells(len(row))
                text.add_row(row)
    except ReadError:
        raise
    except Exception as exc:  # a broken sheet part surfaces while iterating in read-only mode
        raise ReadError(f"{fmt} 文件损坏：{type(exc).__name__}") from exc
    finally:
        wb.close()
    return text.extracted()
