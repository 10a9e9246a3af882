"""Spreadsheets (.xlsx, and .et from WPS when it is OOXML inside): openpyxl read-only, values only.

Each row's non-empty cells are joined by a tab, one line per row, sheet by sheet (a sheet's name is its
own line). Formulas are read as their cached values, as a person sees them.
"""

from __future__ import annotations

import io
import zipfile

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
    limits = current()
    lines: list[str] = []
    cells = chars = 0
    try:
        for ws in wb.worksheets:
            if len(wb.worksheets) > 1:
                lines.append(ws.title)
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
                if cells > limits.max_cells:
                    raise ReadError(f"工作簿单元格过多（超过 {limits.max_cells} 个），已跳过")
                values = [cell_text(v) for v in row]
                line = "\t".join(v for v in values if v)
                if line:
                    lines.append(line)
                    chars += len(line)
                    if chars > limits.max_chars:
                        raise ReadError(f"{fmt} 提取的文字超过 {limits.max_chars} 字，已跳过")
    except ReadError:
        raise
    except Exception as exc:  # a broken sheet part surfaces while iterating in read-only mode
        raise ReadError(f"{fmt} 文件损坏：{type(exc).__name__}") from exc
    finally:
        wb.close()
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError(f"{fmt} 工作簿中没有文字")
    return Extracted(text=text, format=fmt)
